"""Banklot's login token and the status inside every answer.

``POST /auth/login`` gives ``x_auth_token``; every other call carries it in the ``x-auth-token``
header. When the auth layer refuses it (HTTP 401/403: expired or logged out) a read is retried once
after a fresh login; a change (create, cancel, pay…) is not: ``AuthExpired`` goes back to the
caller, which logs in again and asks what happened before deciding to send it again.

The seeds also answer business errors with 401 in the body (revert: ``{"status": 401, "error":
"ticket already rejected by user"}``), and a server may send that status on HTTP too. So a
401/403 is a refused token only when its body says so (words of tokens, sessions, logins) or
says nothing readable; a 401/403 whose ``error`` is about something else is that answer.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Any

import httpx

from providers.base import ProviderUnavailable
from providers.http import CallFailed, Stage, call, decode_object

log = logging.getLogger("providers.banklot")
AUTH_FAILURES = (401, 403)
#: words of a refused token's message; any other message at 401/403 is a business answer
AUTH_WORDS = ("token", "jwt", "auth", "session", "login", "logged", "credential", "unauthori",
              "forbidden", "signature")


class AuthExpired(ProviderUnavailable):
    """The token was refused on a call that changes something; nothing was done."""


class CredentialsRefused(ProviderUnavailable):
    """Login itself was refused: the configured email or password is wrong."""


@dataclass(frozen=True)
class Reply:
    """A banklot answer: ``status`` is the one in the body (HTTP's when the body has none)."""

    status: int
    response: Any
    error: str | None
    body: dict[str, Any]

    @property
    def ok(self) -> bool:
        return self.error is None and 200 <= self.status < 300

    def has(self, text: str) -> bool:
        return self.error is not None and text in self.error.lower()


class BanklotSession:
    def __init__(self, http: httpx.AsyncClient, email: str, password: str) -> None:
        self._http = http
        self._email = email
        self._password = password
        self._token: str | None = None
        self._lock = asyncio.Lock()

    def __repr__(self) -> str:
        return f"BanklotSession(logged_in={self._token is not None})"

    async def login(self) -> None:
        response = await call(self._http, "POST", "/auth/login", log=log, op="login",
                              json={"email": self._email, "password": self._password})
        if response.status_code in AUTH_FAILURES:
            raise CredentialsRefused("banklot refused the configured credentials")
        data = decode_object(response, "login")
        inner = data.get("response") if isinstance(data.get("response"), dict) else {}
        token = inner.get("x_auth_token") or data.get("x_auth_token")
        if not isinstance(token, str) or not token:
            raise CallFailed("login: no x_auth_token in the answer", Stage.ANSWERED)
        self._token = token
        log.info("banklot login")

    async def relogin(self, stale: str | None = None) -> None:
        """Log in again unless another task already replaced the ``stale`` token."""
        async with self._lock:
            if self._token is None or self._token == stale:
                await self.login()

    async def logout(self) -> None:
        token, self._token = self._token, None
        if token is None:
            return
        try:
            await call(self._http, "GET", "/auth/logout", log=log, op="logout",
                       headers={"x-auth-token": token})
        except ProviderUnavailable:
            log.info("banklot logout failed; the token will expire on its own")

    async def request(self, op: str, method: str, path: str, body: Any = None, *,
                      mutating: bool = False) -> Reply:
        response = await self._send(op, method, path, body)
        if token_refused(response):
            if mutating:
                raise AuthExpired(f"{op}: token refused")
            await self.relogin(response.request.headers.get("x-auth-token"))
            response = await self._send(op, method, path, body)
            if token_refused(response):
                raise ProviderUnavailable(f"{op}: banklot refused a fresh token")
        return _reply(response, op)

    async def raw(self, op: str, path: str) -> httpx.Response:
        """A GET whose answer is not JSON (the printed ticket), with the same token handling."""
        response = await self._send(op, "GET", path, None)
        if token_refused(response):
            await self.relogin(response.request.headers.get("x-auth-token"))
            response = await self._send(op, "GET", path, None)
        return response

    async def _send(self, op: str, method: str, path: str, body: Any) -> httpx.Response:
        if self._token is None:
            try:
                await self.relogin()
            except CallFailed as exc:  # the call itself was never sent
                raise CallFailed(f"{op}: {exc.detail}", Stage.NOT_SENT, exc.status) from None
        return await call(self._http, method, path, log=log, op=op, json=body,
                          headers={"x-auth-token": self._token or ""})


def token_refused(response: httpx.Response) -> bool:
    """A 401/403 from the auth layer, told from a business 401 by its body."""
    if response.status_code not in AUTH_FAILURES:
        return False
    try:
        data = response.json()
    except ValueError:
        return True
    text = data.get("error") or data.get("message") if isinstance(data, dict) else None
    if not isinstance(text, str) or not text.strip():
        return True
    lowered = text.lower()
    return any(word in lowered for word in AUTH_WORDS) and "ticket" not in lowered


def _reply(response: httpx.Response, op: str) -> Reply:
    data = decode_object(response, op)
    status = data.get("status")
    error = data.get("error")
    return Reply(
        status=status if isinstance(status, int) and not isinstance(status, bool)
        else response.status_code,
        response=data.get("response"),
        error=str(error) if error is not None else None,
        body=data,
    )
