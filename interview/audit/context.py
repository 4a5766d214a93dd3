"""Where an audit event comes from: the client address and browser of the request (or socket) being served.

Services record events without a request at hand (`audit_record(..., request=None)`): the middleware
(and the observer socket) put the caller's address, browser and user in a context variable, which
follows the work into `sync_to_async` / `database_sync_to_async` threads.
"""

from __future__ import annotations

from collections.abc import Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from asgiref.sync import iscoroutinefunction
from django.http import HttpRequest, HttpResponse
from django.utils.decorators import sync_and_async_middleware

USER_AGENT_MAX = 255


@dataclass(frozen=True)
class Origin:
    """The client address (None when unknown), its User-Agent (truncated) and the user, if any.

    For a request the user is read when asked (`holder.user`): DRF authenticates a token after the
    middleware ran, and sets the user it found on the underlying request.
    """

    ip: str | None = None
    user_agent: str = ""
    holder: Any = None  # the request or scope-like object whose `user` is the caller

    @property
    def user(self) -> Any:
        return getattr(self.holder, "user", None)


_origin: ContextVar[Origin | None] = ContextVar("audit_origin", default=None)


def client_ip(request: HttpRequest) -> str | None:
    """The client's address: REMOTE_ADDR as live_interview/proxies.py resolved it (trusted proxies only).

    The forwarding headers are never read here: ProxyHeadersMiddleware already put a trusted proxy's
    client in the ASGI scope (which becomes REMOTE_ADDR) and removed an untrusted peer's headers.
    """
    return request.META.get("REMOTE_ADDR") or None


def origin_of(request: HttpRequest) -> Origin:
    """The Origin of a Django request."""
    user_agent = request.META.get("HTTP_USER_AGENT", "")[:USER_AGENT_MAX]
    return Origin(ip=client_ip(request), user_agent=user_agent, holder=request)


def origin_of_scope(scope: Mapping[str, Any]) -> Origin:
    """The Origin of a Channels (WebSocket) connection's scope."""
    headers = dict(scope.get("headers") or [])
    user_agent = headers.get(b"user-agent", b"").decode("latin1")[:USER_AGENT_MAX]
    return Origin(ip=(scope.get("client") or (None,))[0], user_agent=user_agent, holder=_ScopeUser(scope.get("user")))


@dataclass(frozen=True)
class _ScopeUser:
    user: Any


def current_origin() -> Origin:
    """The origin set for the work in progress, or an empty one (a command, the settle loop)."""
    return _origin.get() or Origin()


def origin_set(origin: Origin) -> None:
    """Make `origin` the current one for the rest of this task (a socket consumer's lifetime)."""
    _origin.set(origin)


def current_actor() -> Any:
    """The logged-in user of the request or socket being served, else None."""
    user = current_origin().user
    return user if user is not None and getattr(user, "is_authenticated", False) else None


@sync_and_async_middleware
def audit_origin_middleware(get_response: Any) -> Any:
    """Set the current Origin for each request; placed after AuthenticationMiddleware, so it has the user."""
    if iscoroutinefunction(get_response):

        async def async_middleware(request: HttpRequest) -> HttpResponse:
            token = _origin.set(origin_of(request))
            try:
                return await get_response(request)
            finally:
                _origin.reset(token)

        return async_middleware

    def middleware(request: HttpRequest) -> HttpResponse:
        token = _origin.set(origin_of(request))
        try:
            return get_response(request)
        finally:
            _origin.reset(token)

    return middleware
