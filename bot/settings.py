"""Settings from the environment and `.env`; one clear line names a bad setting at start-up.

Each remote provider's settings are a typed model of its own (``settings.soportex.url``,
``settings.banklot.email``), read from the same flat names as ever (``SOPORTEX_URL``,
``BANKLOT_EMAIL``): ``_`` after the provider's name is the nesting. Python callers may pass either
the nested form (``soportex={"url": …}``) or the environment's name (``soportex_url=…``).
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from lottery.catalog import bundled_catalog_path
from providers.banklot.settings import BanklotSettings
from providers.http.settings import RemoteSettings
from providers.jackpot.settings import JackpotSettings
from providers.soportex.settings import SoportexSettings

#: the nested groups: ``SOPORTEX_URL`` is ``soportex.url``
REMOTE_GROUPS = ("soportex", "banklot", "jackpot")


class SettingsError(Exception):
    """A setting is missing or malformed; the message names it."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore",
        env_nested_delimiter="_", env_nested_max_split=1,
    )

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
    # Seconds a process holds a piece of background work (draws job, broadcast, outbox sender)
    # after its last renewal; another process takes it over after that (jobs/lease.py).
    lease_ttl: float = Field(default=15.0, gt=0)
    # Seconds a person's lock in Redis lasts when the worker holding it dies (aiogram: 60).
    user_lock_seconds: float = Field(default=60.0, gt=0)
    # Seconds between runs of the draws job (0: the default, a minute).
    jobs_tick: float = Field(default=0.0, ge=0)
    # The banca's money (services/wallet.py, services/withdrawals.py): how players pay in
    # (TOPUP_METHODS, comma-separated words people type), the least a withdrawal may be (in the
    # catalog's currency) and the local hours withdrawals are taken ("08:00-20:00"; empty: any).
    topup_methods: str = "pagomovil,transferencia,efectivo"
    withdraw_min: Decimal = Field(default=Decimal(0), ge=0)
    withdraw_hours: str = Field(default="", pattern=r"^$|^\d{2}:\d{2}-\d{2}:\d{2}$")
    # Remote providers (PROVIDER=soportex|banklot|jackpot); see providers/registry.py.
    provider_timeout: float = Field(default=10.0, gt=0)
    provider_catalog_ttl: float = Field(default=900.0, gt=0)
    # Minutes a remote provider may not answer before the banca's alert chat is told (once per
    # outage; services/provider_watch.py). The draws job probes it every tick.
    provider_down_minutes: float = Field(default=5.0, gt=0)
    # NoDecode: a variable named just JACKPOT is no setting of ours (not JSON to decode).
    soportex: Annotated[SoportexSettings, NoDecode] = Field(default_factory=SoportexSettings)
    banklot: Annotated[BanklotSettings, NoDecode] = Field(default_factory=BanklotSettings)
    jackpot: Annotated[JackpotSettings, NoDecode] = Field(default_factory=JackpotSettings)

    @model_validator(mode="before")
    @classmethod
    def _nest_flat_names(cls, data: Any) -> Any:
        """``soportex_url=…`` given in Python, as the environment names it, is ``soportex.url``;
        a variable named just ``JACKPOT`` is ignored, as before the providers' settings nested."""
        if not isinstance(data, dict):
            return data
        out = {k: v for k, v in data.items() if not (k in REMOTE_GROUPS and isinstance(v, str))}
        for key, value in data.items():
            group, _, field = key.lower().partition("_")
            if group in REMOTE_GROUPS and field:
                nested = out.get(group)
                nested = dict(nested) if isinstance(nested, (dict, BaseModel)) else {}
                nested[field] = value
                out[group] = nested
                del out[key]
        return out

    def scales_out(self) -> bool:
        """PostgreSQL and Redis: several webhook workers may share the banca (``bot.workers``)."""
        return self.database_url.startswith("postgresql") and bool(self.redis_url)

    def remote(self) -> RemoteSettings | None:
        """The chosen remote provider's settings; None for the house."""
        return getattr(self, self.provider) if self.provider in REMOTE_GROUPS else None

    def secret_values(self) -> list[str]:
        """Every secret set, the providers' included, for the log redactor (``bot/log.py``)."""
        return [v.get_secret_value() for v in _secrets(self)]

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        if isinstance(value, str):
            return frozenset(
                int(part) for part in value.replace(";", ",").split(",") if part.strip()
            )
        if isinstance(value, int):
            return frozenset({value})
        if isinstance(value, dict):  # only ADMIN_IDS_<…> variables, nested by "_": not this one
            return frozenset()
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
        loc = first["loc"]
        depth = 2 if loc and loc[0] in REMOTE_GROUPS else 1
        name = "_".join(str(p) for p in loc[:depth]).upper() or "SETTINGS"
        raise SettingsError(f"Invalid setting {name}: {first['msg']}") from None
    if settings.webhook_url and not settings.webhook_secret:
        raise SettingsError("Invalid setting WEBHOOK_SECRET: required when WEBHOOK_URL is set")
    remote = settings.remote()
    missing = remote.missing() if remote is not None else []
    if missing:
        raise SettingsError(
            f"Invalid setting {missing[0]}: required when PROVIDER={settings.provider}"
        )
    return settings


def _secrets(model: BaseModel) -> Iterator[SecretStr]:
    for value in vars(model).values():
        if isinstance(value, SecretStr):
            yield value
        elif isinstance(value, BaseModel):
            yield from _secrets(value)
