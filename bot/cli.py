"""`taquilla` command line: run (Telegram, or console without a token), console, parse, migrate."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import sys
from pathlib import Path

from bot.log import register_secrets, setup_logging
from bot.settings import Settings, SettingsError, load_settings

log = logging.getLogger("taquilla")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="taquilla", description=__doc__)
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("run", help="run the bot (console mode when BOT_TOKEN is not set)")
    console = sub.add_parser("console", help="talk to the bot from this terminal (or a pipe)")
    console.add_argument("--role", choices=["player", "seller", "admin"], default="player")
    console.add_argument("--user-id", type=int, default=1000)
    console.add_argument("--name", default="Consola")
    console.add_argument("--lang", default="es")
    console.add_argument("--photos-dir", type=Path, default=Path("console-photos"))
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


async def _console(settings: Settings, args: argparse.Namespace) -> None:
    from bot.console import ConsoleUser, make_console_bot, run_console
    from bot.dispatcher import create_dispatcher
    from bot.runtime import app_context, broadcasting
    from services.users import force_role

    async with app_context(settings) as app:
        async with app.sessionmaker() as session, session.begin():
            await force_role(
                session,
                args.user_id,
                args.role,
                first_name=args.name,
                locale=args.lang,
                currency=app.catalog.currency,
                now=app.clock(),
            )
        bot = make_console_bot(sys.stdout, args.photos_dir)
        dp = create_dispatcher(app, throttle=False)
        try:
            async with broadcasting(bot, app):
                await run_console(dp, bot, ConsoleUser(args.user_id, args.name, args.lang))
        finally:
            await dp.storage.close()


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
    if command in ("run", "console"):
        try:  # before logging starts, so that the line stays alone, as for a bad setting
            asyncio.run(require_redis(settings.redis_url))
        except SettingsError as exc:
            print(f"taquilla: {exc}", file=sys.stderr)
            return 2
    setup_logging("WARNING" if command == "console" else settings.log_level)

    if command == "migrate":
        from storage.db import migrate

        asyncio.run(migrate(settings.database_url))
        print("database is up to date")
        return 0
    if command == "console":
        asyncio.run(_console(settings, args))
        return 0
    from bot.runtime import run_bot

    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(run_bot(settings))
    return 0


if __name__ == "__main__":
    sys.exit(main())
