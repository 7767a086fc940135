"""`taquilla` as a person runs it: console mode from a pipe, bad settings, migrate."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from bot.settings import SettingsError, load_settings


def _run(
    args: list[str], tmp_path: Path, stdin: str = "", **env: str
) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "BOT_TOKEN",
            "DATABASE_URL",
            "REDIS_URL",
            "PROVIDER",
            "CATALOG",
            "ADMIN_IDS",
            "WEBHOOK_URL",
            "WEBHOOK_SECRET",
            "TELEGRAM_API_URL",
            "DEFAULT_LOCALE",
        }
    }
    clean.update({"DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}", **env})
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=clean,
        timeout=120,
    )


def test_run_without_token_starts_console_mode_fed_from_a_pipe(tmp_path: Path) -> None:
    result = _run(["run"], tmp_path, stdin="/start\n\n/idioma\n/2\n/start\n")
    assert result.returncode == 0, result.stderr
    assert "console mode" in result.stderr
    out = result.stdout
    assert "you> /start" in out
    assert "¡Hola, Consola!" in out
    assert "[/1 Español]  " not in out and "[/1 Español]" in out and "[/2 English]" in out
    assert "Done: I will speak to you in English." in out
    assert "Hello, Consola!" in out
    assert out.index("¡Hola") < out.index("Hello")


def test_console_role_flag_makes_the_local_user_a_seller(tmp_path: Path) -> None:
    result = _run(["console", "--role", "seller", "--name", "Luis"], tmp_path, stdin="/start\n")
    assert result.returncode == 0, result.stderr
    assert "vendedor" in result.stdout


def test_a_bad_setting_stops_start_up_with_one_line_naming_it(tmp_path: Path) -> None:
    result = _run(["run"], tmp_path, DATABASE_URL="mysql://nope")
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0
    assert "DATABASE_URL" in result.stderr

    result = _run(["run"], tmp_path, PORT="eighty")
    assert result.returncode == 2 and "PORT" in result.stderr


def test_run_refuses_soportex_test_environment_unless_the_banca_asks_for_it(
    tmp_path: Path,
) -> None:
    """An empty SOPORTEX_TOKEN sells into soportex's test environment (docs/providers.md):
    nothing real is sold, so `taquilla run` stops unless SOPORTEX_TEST_ENVIRONMENT says it is
    wanted."""
    env = {"PROVIDER": "soportex", "BOT_TOKEN": "123:abc", "SOPORTEX_TOKEN": "",
           "SOPORTEX_URL": "http://127.0.0.1:9"}
    result = _run(["run"], tmp_path, **env)
    assert result.returncode == 2
    assert "SOPORTEX_TOKEN" in result.stderr and "SOPORTEX_TEST_ENVIRONMENT" in result.stderr
    assert result.stderr.strip().count("\n") == 0

    console = _run(["console"], tmp_path, stdin="", **{**env, "BOT_TOKEN": ""})
    assert console.returncode == 0
    assert "WARNING: SOPORTEX_TOKEN is empty" in console.stderr.splitlines()[0]


def test_migrate_creates_the_database(tmp_path: Path) -> None:
    result = _run(["migrate"], tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "bot.db").exists()


@pytest.mark.parametrize(
    ("overrides", "name"),
    [
        ({"catalog": "/nonexistent.json"}, "CATALOG"),
        ({"admin_ids": "12,abc"}, "ADMIN_IDS"),
        ({"webhook_url": "https://example.invalid/hook"}, "WEBHOOK_SECRET"),
        ({"default_locale": "fr"}, "DEFAULT_LOCALE"),
    ],
)
def test_settings_errors_name_the_setting(overrides: dict[str, str], name: str) -> None:
    with pytest.raises(SettingsError, match=name):
        load_settings(_env_file=None, **overrides)


def test_settings_read_a_dotenv_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for key in ("ADMIN_IDS", "DEFAULT_LOCALE"):
        monkeypatch.delenv(key, raising=False)
    (tmp_path / ".env").write_text("ADMIN_IDS=7, 8\nDEFAULT_LOCALE=en\n")
    settings = load_settings(_env_file=tmp_path / ".env")
    assert settings.admin_ids == {7, 8}
    assert settings.default_locale == "en"


# The README's "First ticket in a minute": these lines, on a fresh database, sell a ticket.
FIRST_TICKET = "123 x5 zulia\n/1\n"


def _pin(out: str) -> str:
    found = re.search(r"PIN: (\d+)", out)
    assert found, out
    return found.group(1)


def test_first_ticket_in_a_minute_on_the_embedded_defaults(tmp_path: Path) -> None:
    readme = (Path(__file__).parents[2] / "README.md").read_text()
    assert f"```text\n{FIRST_TICKET}```" in readme.split("## First ticket in a minute")[1]
    result = _run(["run"], tmp_path, stdin=FIRST_TICKET)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    first = out.splitlines()[0]
    assert "administrador de esta banca" in first and "«123 x5 zulia»" in first and "/1" in first
    assert "saldo" not in out.lower().split("you> 123 x5 zulia")[1]
    _pin(out)
    assert "Serial:" in out


def test_console_help_describes_each_option(tmp_path: Path) -> None:
    result = _run(["console", "--help"], tmp_path)
    assert result.returncode == 0, result.stderr
    text = " ".join(result.stdout.split())
    for option, words in [
        ("--role", "a stored admin is never demoted"),
        ("--balance", "to a player's balance"),
        ("--user-id", "Telegram id"),
        ("--lang", "language"),
        ("--photos-dir", "ticket pictures"),
    ]:
        assert option in text and words in text, (option, text)
    assert "the banca's admin" in text and "/1" in text


def test_role_player_never_demotes_a_stored_admin(tmp_path: Path, db_url: str) -> None:
    first = _run(["console", "--role", "admin"], tmp_path, stdin="/start\n", DATABASE_URL=db_url)
    assert first.returncode == 0, first.stderr
    assert "Eres administrador" in first.stdout

    refused = _run(["console", "--role", "player"], tmp_path, stdin="/start\n", DATABASE_URL=db_url)
    assert refused.returncode == 2
    assert "admin" in refused.stderr and "--role player would demote" in refused.stderr
    assert "you> /start" not in refused.stdout

    again = _run(["console"], tmp_path, stdin="/start\n" + FIRST_TICKET, DATABASE_URL=db_url)
    assert again.returncode == 0, again.stderr
    assert "Eres administrador" in again.stdout
    _pin(again.stdout)


def test_a_player_with_balance_from_the_command_line_buys(tmp_path: Path, db_url: str) -> None:
    args = ["console", "--role", "player", "--user-id", "7", "--balance", "100"]
    result = _run(args, tmp_path, stdin="/saldo\n" + FIRST_TICKET, DATABASE_URL=db_url)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Aquí eres jugador" in out.splitlines()[0] and "--balance 100" in out.splitlines()[0]
    assert "Bs. 100,00" in out.split("you> 123 x5 zulia")[0]
    _pin(out)

    seller = _run(["console", "--role", "seller", "--user-id", "8", "--balance", "5"], tmp_path,
                  DATABASE_URL=db_url)
    assert seller.returncode == 2 and "--balance" in seller.stderr


def test_role_player_is_refused_for_an_admin_of_admin_ids(tmp_path: Path) -> None:
    """ADMIN_IDS makes the user admin again at each update: a player role would be a lie."""
    result = _run(["console", "--role", "player", "--user-id", "7"], tmp_path, stdin="/start\n",
                  ADMIN_IDS="7")
    assert result.returncode == 2
    assert "--role player would demote" in result.stderr
