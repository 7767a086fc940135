"""What every remote provider's typed settings share.

Each adapter package declares its own settings model (``SoportexSettings``…); ``bot/settings.py``
nests them and reads them from the environment names ``<PREFIX>_<FIELD>`` (``SOPORTEX_URL``), and
the adapter is built from that model, not from a dict of strings. An empty value
(``SOPORTEX_URL=``, as ``.env.example`` leaves them) counts as unset, so the default applies. A
setting the adapter cannot work without is checked only when its provider is the chosen one:
the others may stay empty.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, SecretStr, model_validator


class RemoteSettings(BaseModel):
    model_config = ConfigDict(frozen=True)

    #: the environment names' prefix, ``SOPORTEX`` for ``SOPORTEX_URL``
    env_prefix: ClassVar[str] = ""
    #: fields the adapter cannot work without
    required: ClassVar[tuple[str, ...]] = ()

    #: the banca's draws file (``providers.http.draws_file``): draws and plays where the
    #: provider's document gives no way to list them, or its answer cannot be read
    draws_file: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _empty_is_unset(cls, data: Any) -> Any:
        if isinstance(data, Mapping):
            return {key: value for key, value in data.items() if value != ""}
        return data

    def env_name(self, field: str) -> str:
        """How people name the field: ``SOPORTEX_URL``."""
        return f"{self.env_prefix}_{field}".upper()

    def missing(self) -> list[str]:
        """The environment names of the required settings left unset."""
        return [self.env_name(name) for name in self.required if getattr(self, name) is None]

    def run_refusal(self) -> str | None:
        """Why ``taquilla run`` must not start with these settings (None: it may)."""
        return None

    def warning(self) -> str | None:
        """What a person starting the bot (console, demos) must see about these settings."""
        return None

    def need(self, field: str) -> str:
        """A required setting's value (a secret unwrapped); ``ValueError`` names a missing one."""
        value = getattr(self, field)
        if value is None:
            raise ValueError(f"missing setting {self.env_name(field)}")
        return value.get_secret_value() if isinstance(value, SecretStr) else str(value)
