"""Grupo Banklot's settings: ``BANKLOT_URL``, ``BANKLOT_EMAIL``, ``BANKLOT_PASSWORD``."""

from __future__ import annotations

from typing import ClassVar

from pydantic import SecretStr

from providers.http.settings import RemoteSettings


class BanklotSettings(RemoteSettings):
    env_prefix: ClassVar[str] = "banklot"
    required: ClassVar[tuple[str, ...]] = ("email", "password")

    url: str = "https://staging.loterias24.com"
    #: the account's login; secret too: it is half of what opens the account
    email: SecretStr | None = None
    password: SecretStr | None = None
