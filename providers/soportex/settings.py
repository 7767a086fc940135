"""Soportex's settings: ``SOPORTEX_URL``, ``SOPORTEX_TOKEN``, ``SOPORTEX_TEST_ENVIRONMENT``,
``SOPORTEX_DRAWS_FILE``."""

from __future__ import annotations

from typing import ClassVar

from pydantic import SecretStr

from providers.http.settings import RemoteSettings


class SoportexSettings(RemoteSettings):
    env_prefix: ClassVar[str] = "soportex"

    url: str = "https://api.loteriasoportex.com"
    #: the seed: "Para enviar jugadas en ambiente de pruebas el token debe estar vacio"
    token: SecretStr = SecretStr("")
    #: the banca says it wants the provider's test environment (an empty token): nothing sold
    #: is real. Without it, ``taquilla run`` refuses an empty token.
    test_environment: bool = False

    def run_refusal(self) -> str | None:
        if self.token.get_secret_value() or self.test_environment:
            return None
        return ("Invalid setting SOPORTEX_TOKEN: empty, which sells into soportex's test "
                "environment; set the token, or SOPORTEX_TEST_ENVIRONMENT=true to test")

    def warning(self) -> str | None:
        if self.token.get_secret_value():
            return None
        return "SOPORTEX_TOKEN is empty: selling into soportex's TEST environment (not real)"
