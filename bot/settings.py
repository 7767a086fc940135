"""Settings from the environment and `.env`; one clear line names a bad setting at start-up."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from lottery.catalog import bundled_catalog_path


class SettingsError(Exception):
    """A setting is missing or malformed; the message names it."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    bot_token: SecretStr | None = None
    database_url: str = "sqlite+aiosqlite:///./taquilla.db"
    redis_url: str | None = None
    provider: Literal["house", "soportex", "banklot", "jackpot"] = "house"
    catalog: Path = Field(default_factory=lambda: bundled_catalog_path("ve"))
    admin_ids: Annotated[frozenset[int], NoDecode] = frozenset()
    default_locale: Literal["es", "en"] = "es"
    telegram_api_url: str | None = None
    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None
    webhook_path: str = "/webhook"
    host: str = "127.0.0.1"
    port: int = Field(default=8080, ge=1, le=65535)
    ticket_secret: SecretStr | None = None
    brand_name: str = "Taquilla"
    throttle_per_second: float = Field(default=2.0, gt=0)
    # Telegram's limits for everything the bot sends (replies and broadcasts share one budget).
    telegram_per_second: float = Field(default=30.0, gt=0)
    telegram_per_chat_per_second: float = Field(default=1.0, gt=0)
    telegram_paid_per_second: float = Field(default=1000.0, gt=0)
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    # Seconds a ticket or money notice is held by the process sending it before another process
    # (or this one, after a restart) sends it instead (services/outbox.py).
    outbox_lease: float = Field(default=30.0, gt=0)
    # Remote providers (PROVIDER=soportex|banklot|jackpot); see providers/registry.py.
    provider_timeout: float = Field(default=10.0, gt=0)
    provider_catalog_ttl: float = Field(default=900.0, gt=0)
    soportex_url: str | None = None
    soportex_token: SecretStr | None = None
    banklot_url: str | None = None
    banklot_email: SecretStr | None = None
    banklot_password: SecretStr | None = None
    jackpot_url: str | None = None
    jackpot_operator: str | None = None
    jackpot_token: SecretStr | None = None
    jackpot_currency: str | None = None
    jackpot_odds_diff: float | None = None
    jackpot_source: str | None = None
    jackpot_atag: str | None = None

    def provider_settings(self) -> dict[str, str]:
        """The remote provider's settings as the adapters read them (upper-case names)."""
        out: dict[str, str] = {}
        for name in type(self).model_fields:
            if name.split("_")[0] not in ("provider", "soportex", "banklot", "jackpot"):
                continue
            value = getattr(self, name)
            if isinstance(value, SecretStr):
                value = value.get_secret_value()
            if value is not None and name != "provider":
                out[name.upper()] = str(value)
        return out

    def secret_values(self) -> list[str]:
        return [v.get_secret_value() for v in vars(self).values() if isinstance(v, SecretStr)]

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        if isinstance(value, str):
            return frozenset(
                int(part) for part in value.replace(";", ",").split(",") if part.strip()
            )
        if isinstance(value, int):
            return frozenset({value})
        return value

    @field_validator("database_url")
    @classmethod
    def _known_driver(cls, value: str) -> str:
        if not value.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
            raise ValueError("use sqlite+aiosqlite:///FILE or postgresql+asyncpg://USER@HOST/DB")
        return value

    @field_validator("catalog")
    @classmethod
    def _catalog_exists(cls, value: Path) -> Path:
        if not value.is_file():
            raise ValueError(f"file not found: {value}")
        return value

    @field_validator("webhook_url")
    @classmethod
    def _https_webhook(cls, value: str | None) -> str | None:
        if value and not value.startswith(("https://", "http://")):
            raise ValueError("must be an http(s) URL")
        return value or None


def load_settings(**overrides: object) -> Settings:
    """Build settings or raise SettingsError naming the first bad one (never echoing its value)."""
    try:
        settings = Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        first = exc.errors()[0]
        name = ".".join(str(p) for p in first["loc"][:1]).upper() or "SETTINGS"
        raise SettingsError(f"Invalid setting {name}: {first['msg']}") from None
    if settings.webhook_url and not settings.webhook_secret:
        raise SettingsError("Invalid setting WEBHOOK_SECRET: required when WEBHOOK_URL is set")
    return settings
