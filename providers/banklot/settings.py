"""Grupo Banklot's settings: ``BANKLOT_URL``, ``BANKLOT_EMAIL``, ``BANKLOT_PASSWORD``,
``BANKLOT_DRAWS_FILE``."""

from __future__ import annotations

from typing import ClassVar

from pydantic import SecretStr

from providers.http.settings import RemoteSettings


class BanklotSettings(RemoteSettings):
    env_prefix: ClassVar[str] = "banklot"
    required: ClassVar[tuple[str, ...]] = ("url", "email", "password")

    #: no default: the seeds name two hosts (001: https://staging.loterias24.com/, 002:
    #: https://prueba.gatobets.com/), both test ones; the banca's own comes with its account
    url: str | None = None
    #: the account's login; secret too: it is half of what opens the account
    email: SecretStr | None = None
    password: SecretStr | None = None
