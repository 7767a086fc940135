"""Each provider's settings are typed and nested (``settings.banklot.email``), yet read from the
names people already have in their environment and `.env` (``BANKLOT_EMAIL``); a bad or missing
one stops start-up with one line naming it; secrets stay out of logs."""

from __future__ import annotations

import io
import logging
import os
import re
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from pydantic import BaseModel, SecretStr

from bot.log import RedactingFormatter, register_secrets
from bot.settings import Settings, SettingsError, load_settings

ROOT = Path(__file__).resolve().parents[2]
PROVIDER_PREFIXES = ("PROVIDER", "SOPORTEX_", "BANKLOT_", "JACKPOT_")


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for key in list(os.environ):
        if key.upper().startswith(PROVIDER_PREFIXES):
            monkeypatch.delenv(key)


def env_names(model: type[BaseModel], prefix: str = "") -> set[str]:
    """Every environment name the settings read: ``SOPORTEX_URL`` for ``soportex.url``."""
    names: set[str] = set()
    for name, field in model.model_fields.items():
        kind = field.annotation
        if isinstance(kind, type) and issubclass(kind, BaseModel):
            names |= env_names(kind, f"{prefix}{name}_")
        else:
            names.add(f"{prefix}{name}".upper())
    return names


def test_provider_settings_are_typed_and_read_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SOPORTEX_URL", "https://sx.example")
    monkeypatch.setenv("SOPORTEX_TOKEN", "sx-token-abc123")
    monkeypatch.setenv("BANKLOT_EMAIL", "taquilla@banklot.net")
    monkeypatch.setenv("BANKLOT_PASSWORD", "bk-pass-abc123")
    monkeypatch.setenv("JACKPOT_ODDS_DIFF", "0.05")
    monkeypatch.setenv("JACKPOT_CURRENCY", "usd")
    monkeypatch.setenv("PROVIDER_TIMEOUT", "3")
    settings = load_settings(_env_file=None)
    assert settings.soportex.url == "https://sx.example"
    assert isinstance(settings.soportex.token, SecretStr)
    assert settings.soportex.token.get_secret_value() == "sx-token-abc123"
    assert settings.banklot.email is not None
    assert settings.banklot.email.get_secret_value() == "taquilla@banklot.net"
    assert settings.banklot.url is None  # no default host: the seeds name two test ones
    assert settings.jackpot.odds_diff == Decimal("0.05") and settings.jackpot.currency == "usd"
    assert settings.provider_timeout == 3
    assert "abc123" not in repr(settings)


def test_a_dotenv_file_keeps_working_and_the_environment_wins(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / ".env").write_text(
        "PROVIDER=banklot\nBANKLOT_URL=https://bk.example\nBANKLOT_EMAIL=file@banklot.net\n"
        "BANKLOT_PASSWORD=from-the-file\nJACKPOT_SOURCE=kiosk\n"
    )
    monkeypatch.setenv("BANKLOT_PASSWORD", "from-the-environment")
    settings = load_settings(_env_file=tmp_path / ".env")
    assert settings.provider == "banklot"
    assert settings.banklot.url == "https://bk.example"
    assert settings.banklot.email == SecretStr("file@banklot.net")
    assert settings.banklot.password == SecretStr("from-the-environment")
    assert settings.jackpot.source == "kiosk"


def test_env_example_documents_every_setting_and_loads_as_it_is(tmp_path: Path) -> None:
    example = (ROOT / ".env.example").read_text()
    documented = set(re.findall(r"^#?\s?([A-Z][A-Z0-9_]+)=", example, re.MULTILINE))
    assert documented == env_names(Settings)
    (tmp_path / ".env").write_text(example)
    settings = load_settings(_env_file=tmp_path / ".env")  # empty values are the defaults
    assert settings.provider == "house"
    assert settings.soportex.url == "https://api.loteriasoportex.com"
    assert settings.soportex.token.get_secret_value() == ""  # the provider's test mode
    assert settings.banklot.email is None and settings.jackpot.atag is None


@pytest.mark.parametrize(
    ("env", "line"),
    [
        ({"JACKPOT_ODDS_DIFF": "a lot"}, "Invalid setting JACKPOT_ODDS_DIFF: "),
        ({"PROVIDER_TIMEOUT": "0"}, "Invalid setting PROVIDER_TIMEOUT: "),
        ({"PROVIDER": "lotto"}, "Invalid setting PROVIDER: "),
        ({"PROVIDER": "banklot", "BANKLOT_URL": "https://bk.example", "BANKLOT_EMAIL": "a@b.c"},
         "Invalid setting BANKLOT_PASSWORD: required when PROVIDER=banklot"),
        ({"PROVIDER": "banklot", "BANKLOT_EMAIL": "a@b.c", "BANKLOT_PASSWORD": "x"},
         "Invalid setting BANKLOT_URL: required when PROVIDER=banklot"),
        ({"PROVIDER": "jackpot", "JACKPOT_URL": ""},
         "Invalid setting JACKPOT_URL: required when PROVIDER=jackpot"),
    ],
)
def test_a_bad_provider_setting_is_named_by_its_environment_name(
    env: dict[str, str], line: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    with pytest.raises(SettingsError) as bad:
        load_settings(_env_file=None)
    assert str(bad.value).startswith(line)
    assert "a@b.c" not in str(bad.value)


def _run(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items()
             if not k.upper().startswith((*PROVIDER_PREFIXES, "BOT_TOKEN", "REDIS_URL"))}
    clean.update({"DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}",
                  "PYTHONPATH": str(ROOT), **env})
    return subprocess.run([sys.executable, "-m", "bot.cli", "run"], input="/start\n",
                          capture_output=True, text=True, cwd=tmp_path, env=clean, timeout=120)


def test_a_provider_without_its_credentials_stops_start_up_with_one_line(tmp_path: Path) -> None:
    result = _run(tmp_path, PROVIDER="banklot", BANKLOT_URL="https://bk.example",
                  BANKLOT_EMAIL="taquilla@banklot.net")
    assert result.returncode == 2, result.stderr
    assert result.stderr.strip() == (
        "taquilla: Invalid setting BANKLOT_PASSWORD: required when PROVIDER=banklot")
    assert "taquilla@banklot.net" not in result.stderr

    (tmp_path / ".env").write_text((ROOT / ".env.example").read_text()
                                   .replace("PROVIDER=house", "PROVIDER=jackpot"))
    result = _run(tmp_path)
    assert result.returncode == 2, result.stderr
    assert result.stderr.strip() == (
        "taquilla: Invalid setting JACKPOT_URL: required when PROVIDER=jackpot")


def test_every_provider_secret_is_kept_out_of_the_logs(monkeypatch: pytest.MonkeyPatch) -> None:
    secrets = {"SOPORTEX_TOKEN": "sx-token-7d1e", "BANKLOT_EMAIL": "owner@banklot.net",
               "BANKLOT_PASSWORD": "bk-pass-90aa", "JACKPOT_TOKEN": "jp-token-c3f2"}
    for key, value in secrets.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setattr(RedactingFormatter, "secrets", set())
    register_secrets(load_settings(_env_file=None).secret_values())  # as `taquilla run` does
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(RedactingFormatter())
    log = logging.getLogger("tests.settings_secrets")
    log.addHandler(handler)
    try:
        log.warning("calling with %s", " ".join(secrets.values()),
                    extra={"url": f"https://x/?token={secrets['JACKPOT_TOKEN']}"})
    finally:
        log.removeHandler(handler)
    line = stream.getvalue()
    assert "calling with" in line and "***" in line
    assert not [value for value in secrets.values() if value in line]
