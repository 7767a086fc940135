"""The jackpot operator API's settings: ``JACKPOT_URL``, ``JACKPOT_OPERATOR``, ``JACKPOT_TOKEN``,
``JACKPOT_CURRENCY``, ``JACKPOT_ODDS_DIFF``, ``JACKPOT_SOURCE``, ``JACKPOT_ATAG``."""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

from pydantic import SecretStr

from providers.http.settings import RemoteSettings


class JackpotSettings(RemoteSettings):
    env_prefix: ClassVar[str] = "jackpot"
    required: ClassVar[tuple[str, ...]] = ("url", "operator", "token")

    url: str | None = None
    operator: str | None = None
    #: the player token of the bot's account at the operator
    token: SecretStr | None = None
    #: ISO 4217; unset = the catalog's currency
    currency: str | None = None
    #: the largest odds move still accepted when buying (0 = none)
    odds_diff: Decimal = Decimal(0)
    source: str = "web"
    atag: str | None = None
