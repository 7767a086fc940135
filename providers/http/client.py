"""httpx plumbing: explicit timeouts, failures that say whether the provider may have acted, JSON.

Every failure becomes ``CallFailed`` (a ``ProviderUnavailable``) whose ``stage`` tells a create what
it may conclude: ``NOT_SENT`` (the provider saw nothing), ``ANSWERED`` (the provider finished
with the request: 5xx, a body that is not JSON) or ``IN_DOUBT`` (sent, no answer: it may still be
working on it).
Texts and logs are built only from our own words, the operation, the path and the status — never a
request body, header or httpx's message — so a token or password cannot leak through them.
"""

from __future__ import annotations

import enum
import logging
import time
from collections.abc import Mapping
from typing import Any

import httpx

from providers.base import ProviderUnavailable

DEFAULT_TIMEOUT = 10.0
#: Connecting should be quick; a slow connect means the provider is unreachable, not busy.
MAX_CONNECT_TIMEOUT = 5.0
#: A connect on a working network takes milliseconds; one that waits longer than a short read
#: budget is this process's event loop stalled (a full garbage collection, a burst of updates),
#: not the provider gone. A connect that fails was never sent, so waiting a little longer is safe.
MIN_CONNECT_TIMEOUT = 1.0


class Stage(enum.Enum):
    NOT_SENT = "not_sent"
    ANSWERED = "answered"
    IN_DOUBT = "in_doubt"


class CallFailed(ProviderUnavailable):
    """A call without a usable answer; ``stage`` says whether the provider may have acted on it."""

    def __init__(self, detail: str, stage: Stage, status: int | None = None) -> None:
        super().__init__(detail)
        self.stage = stage
        self.status = status


def make_client(
    base_url: str,
    timeout: float = DEFAULT_TIMEOUT,
    *,
    transport: httpx.AsyncBaseTransport | None = None,
    headers: Mapping[str, str] | None = None,
) -> httpx.AsyncClient:
    """A client with every timeout set; proxies from the environment are ignored (``trust_env``)
    so the provider we talk to is exactly the configured URL."""
    connect = min(max(timeout, MIN_CONNECT_TIMEOUT), MAX_CONNECT_TIMEOUT)
    limits = httpx.Timeout(timeout, connect=connect)
    return httpx.AsyncClient(
        base_url=base_url.rstrip("/"),
        timeout=limits,
        transport=transport,
        headers=dict(headers or {}),
        follow_redirects=False,
        trust_env=False,
    )


async def call(
    client: httpx.AsyncClient,
    method: str,
    path: str,
    *,
    log: logging.Logger,
    op: str,
    json: Any = None,
    headers: Mapping[str, str] | None = None,
    params: Mapping[str, str] | None = None,
) -> httpx.Response:
    """One request; a 5xx or a transport failure raises ``CallFailed``, any other status returns."""
    started = time.monotonic()
    try:
        response = await client.request(method, path, json=json, headers=headers, params=params)
    except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
        raise _failed(log, op, path, started, f"cannot connect ({type(exc).__name__})",
                      Stage.NOT_SENT) from None
    except httpx.TimeoutException as exc:
        raise _failed(log, op, path, started, f"no answer in time ({type(exc).__name__})",
                      Stage.IN_DOUBT) from None
    except httpx.TransportError as exc:
        raise _failed(log, op, path, started, f"connection lost ({type(exc).__name__})",
                      Stage.IN_DOUBT) from None
    elapsed = _ms(started)
    log.debug("provider call", extra={"op": op, "path": path, "status": response.status_code,
                                      "ms": elapsed})
    if response.status_code >= 500:
        log.warning("provider error status", extra={"op": op, "path": path,
                                                     "status": response.status_code, "ms": elapsed})
        raise CallFailed(f"{op}: HTTP {response.status_code}", Stage.ANSWERED,
                         response.status_code)
    return response


def decode_object(response: httpx.Response, op: str) -> dict[str, Any]:
    """The body as a JSON object; anything else is ``CallFailed(ANSWERED)``: the provider finished
    with the request but we cannot tell what it did."""
    try:
        body = response.json()
    except ValueError:
        raise CallFailed(f"{op}: malformed JSON (HTTP {response.status_code})", Stage.ANSWERED,
                         response.status_code) from None
    if not isinstance(body, dict):
        raise CallFailed(f"{op}: expected a JSON object (HTTP {response.status_code})",
                         Stage.ANSWERED, response.status_code)
    return body


def _failed(
    log: logging.Logger, op: str, path: str, started: float, detail: str, stage: Stage
) -> CallFailed:
    log.warning("provider call failed", extra={"op": op, "path": path, "stage": stage.value,
                                               "ms": _ms(started), "detail": detail})
    return CallFailed(f"{op}: {detail}", stage)


def _ms(started: float) -> int:
    return round((time.monotonic() - started) * 1000)
