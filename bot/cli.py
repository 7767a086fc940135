"""`taquilla` command line: run (Telegram, or console without a token), console, parse, migrate."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import sys
from datetime import datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path

from bot.log import register_secrets, setup_logging
from bot.settings import Settings, SettingsError, load_settings

log = logging.getLogger("taquilla")


def _amount(text: str) -> Decimal:
    """A positive amount, exact (Decimal): money is never a float."""
    try:
        amount = Decimal(text.replace(",", "."))
    except InvalidOperation:
        raise argparse.ArgumentTypeError(f"not an amount: {text!r}") from None
    if not amount.is_finite() or amount <= 0:
        raise argparse.ArgumentTypeError(f"not a positive amount: {text!r}")
    return amount


def _moment(text: str) -> datetime:
    """A time with its zone (ISO 8601): "now" is never read in an assumed zone."""
    try:
        at = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO time: {text!r}") from None
    if at.tzinfo is None:
        raise argparse.ArgumentTypeError(f"give the time's zone, e.g. {text}-04:00")
    return at


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="taquilla", description=__doc__)
    sub = parser.add_subparsers(dest="command")
    run = sub.add_parser("run", help="run the bot (console mode when BOT_TOKEN is not set)")
    run.add_argument(
        "--workers", type=int, default=1, metavar="N",
        help="webhook worker processes on one port (WEBHOOK_URL, PostgreSQL and REDIS_URL "
        "needed when N > 1; see docs/deploy.md)",
    )
    console = sub.add_parser(
        "console",
        help="talk to the bot from this terminal (or a pipe)",
        description=(
            "Talk to the bot as a Telegram user would: type plays and commands, press a button "
            "with /1, /2…, leave with /salir or Ctrl-D. On a fresh database the local user is "
            "the banca's admin, so a play such as '123 x5 zulia' sells at once (confirm with /1). "
            "\\n in a line starts a new line of the message; /editar TEXT edits your last "
            "message (/editar #N TEXT your N-th)."
        ),
        epilog="example: taquilla console --role player --user-id 7 --balance 100",
    )
    console.add_argument(
        "--role",
        choices=["player", "seller", "admin"],
        default=None,
        help="the local user's role (default: admin for a new user, the stored role otherwise); "
        "a stored admin is never demoted: use another --user-id",
    )
    console.add_argument(
        "--balance",
        type=_amount,
        default=None,
        metavar="AMOUNT",
        help="add AMOUNT (catalog currency, e.g. 100 or 12.50) to a player's balance at start, "
        "as /recargar would",
    )
    console.add_argument(
        "--user-id", type=int, default=1000, help="the local user's Telegram id (default: 1000)"
    )
    console.add_argument("--name", default="Consola", help="the local user's first name")
    console.add_argument(
        "--lang", default="es", choices=["es", "en"], help="the local user's language (default: es)"
    )
    console.add_argument(
        "--at",
        type=_moment,
        default=None,
        metavar="ISO_TIME",
        help="start the console's clock at this time (e.g. 2026-11-23T07:50-04:00); "
        "/esperar N moves it N minutes on",
    )
    console.add_argument(
        "--photos-dir",
        type=Path,
        default=Path("console-photos"),
        help="where ticket pictures are saved (default: ./console-photos)",
    )
    sub.add_parser(
        "parse", help="plays parser, JSON lines in and out (see docs/plays.md)", add_help=False
    )
    sub.add_parser("migrate", help="apply database migrations and exit")
    return parser


async def require_redis(redis_url: str | None) -> None:
    """Stop start-up, like a bad setting, when ``REDIS_URL`` is set and Redis does not answer:
    running on would fail every update in its lock and lose it."""
    if not redis_url:
        return
    from redis.exceptions import RedisError

    from storage.redis_health import ping, redis_address

    try:
        await ping(redis_url)
    except (RedisError, OSError, ValueError) as exc:
        reason = " ".join(str(exc).split()) or type(exc).__name__
        raise SettingsError(
            f"REDIS_URL: Redis at {redis_address(redis_url)} does not answer ({reason})"
        ) from None


async def _console(settings: Settings, args: argparse.Namespace) -> int:
    from bot.console import (
        ConsoleClock,
        ConsoleUser,
        first_play,
        make_console_bot,
        run_console,
        start_hint,
    )
    from bot.dispatcher import create_dispatcher
    from bot.runtime import app_context, broadcasting
    from services.users import RoleRefused, force_role

    clock = ConsoleClock(args.at)
    async with app_context(settings, clock=clock) as app:
        try:
            async with app.sessionmaker() as session, session.begin():
                user = await force_role(
                    session,
                    args.user_id,
                    args.role,
                    first_name=args.name,
                    locale=args.lang,
                    currency=app.catalog.currency,
                    now=app.clock(),
                    admin_ids=settings.admin_ids,
                    top_up=args.balance,
                )
        except RoleRefused:
            print(
                f"taquilla: user {args.user_id} is an admin of this banca; --role {args.role} "
                "would demote them, so nothing was changed. Use another --user-id "
                "(e.g. --user-id 7), or /rol inside the bot.",
                file=sys.stderr,
            )
            return 2
        except ValueError as exc:
            print(f"taquilla: --balance: {exc} (use --role player)", file=sys.stderr)
            return 2
        print(start_hint(user.role, first_play(app.catalog), user.locale), flush=True)
        bot = make_console_bot(sys.stdout, args.photos_dir)
        dp = create_dispatcher(app, throttle=False)
        try:
            async with broadcasting(bot, app):
                await run_console(dp, bot, ConsoleUser(args.user_id, args.name, args.lang),
                                  clock=clock)
        finally:
            await dp.storage.close()
    return 0


def workers_refused(settings: Settings, workers: int) -> str | None:
    """Why ``run --workers N`` cannot start, in one line; None when it can."""
    if workers < 1:
        return "--workers: at least 1"
    if workers == 1:
        return None
    if not settings.webhook_url:
        return ("--workers: polling is one process per token; set WEBHOOK_URL (and "
                "WEBHOOK_SECRET) to run webhook workers")
    if not settings.database_url.startswith("postgresql"):
        return ("--workers: webhook workers need PostgreSQL (DATABASE_URL=postgresql+asyncpg://"
                "…); SQLite serves one process")
    if not settings.redis_url:
        return ("--workers: webhook workers need Redis (REDIS_URL) for the conversations and "
                "each person's lock")
    return None


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["parse"]:
        from bot.parse_cli import run as run_parse

        return run_parse(argv[1:], sys.stdin, sys.stdout)

    args = _parser().parse_args(argv)
    try:
        settings = load_settings()
    except SettingsError as exc:
        print(f"taquilla: {exc}", file=sys.stderr)
        return 2
    register_secrets(settings.secret_values())
    command = args.command or "run"
    if command == "run" and settings.bot_token is None:
        print("BOT_TOKEN is not set: starting console mode (type /start).", file=sys.stderr)
        args = _parser().parse_args(["console"])
        command = "console"
    workers = getattr(args, "workers", 1)
    if command == "run" and (refused := workers_refused(settings, workers)):
        print(f"taquilla: {refused}", file=sys.stderr)
        return 2
    remote = settings.remote()
    if command == "run" and remote is not None and (refusal := remote.run_refusal()):
        print(f"taquilla: {refusal}", file=sys.stderr)
        return 2
    if command == "console" and remote is not None and (warning := remote.warning()):
        print(f"WARNING: {warning}", file=sys.stderr)
    if command in ("run", "console"):
        try:  # before logging starts, so that the line stays alone, as for a bad setting
            asyncio.run(require_redis(settings.redis_url))
        except SettingsError as exc:
            print(f"taquilla: {exc}", file=sys.stderr)
            return 2
    if command == "run" and workers == 1:
        from bot.runtime import running_elsewhere

        if refused := asyncio.run(running_elsewhere(settings)):
            print(f"taquilla: {refused}", file=sys.stderr)
            return 2
    setup_logging("WARNING" if command == "console" else settings.log_level)

    if command == "migrate":
        from storage.db import migrate

        asyncio.run(migrate(settings.database_url))
        print("database is up to date")
        return 0
    if command == "console":
        return asyncio.run(_console(settings, args))
    if workers > 1:
        from bot.workers import supervise

        asyncio.run(supervise(settings, workers))
        return 0
    from bot.runtime import AlreadyRunning, run_bot

    try:
        with contextlib.suppress(KeyboardInterrupt):
            asyncio.run(run_bot(settings))
    except AlreadyRunning as exc:
        print(f"taquilla: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
