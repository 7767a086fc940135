"""Soportex's settings: ``SOPORTEX_URL``, ``SOPORTEX_TOKEN``."""

from __future__ import annotations

from typing import ClassVar

from pydantic import SecretStr

from providers.http.settings import RemoteSettings


class SoportexSettings(RemoteSettings):
    env_prefix: ClassVar[str] = "soportex"

    url: str = "https://api.loteriasoportex.com"
    #: empty = the provider's test mode (tickets go to its test environment)
    token: SecretStr = SecretStr("")
