"""What every remote (HTTP) provider adapter shares.

``client``: httpx with explicit timeouts, failures classified by whether the provider may have
acted, JSON decoding that turns nonsense into ``ProviderUnavailable``, logs without secrets.
``exactly_once``: the journal of sent creates; the rule settling a create that got no answer.
``cache``: provider data (draws, limits) kept for a TTL on an injectable clock.
``catalog``: a ``lottery.catalog.Catalog`` from what a provider lists, named like the base one.
``settings``: the base of each adapter's typed settings (``SoportexSettings``…).
"""

from providers.http.cache import TTLCache
from providers.http.catalog import RemoteLottery, build_catalog
from providers.http.client import (
    CallFailed,
    Stage,
    call,
    decode_object,
    make_client,
)
from providers.http.exactly_once import Journal, MemoryJournal, SentCreate, settle_create

__all__ = [
    "CallFailed",
    "Journal",
    "MemoryJournal",
    "RemoteLottery",
    "SentCreate",
    "Stage",
    "TTLCache",
    "build_catalog",
    "call",
    "decode_object",
    "make_client",
    "settle_create",
]
