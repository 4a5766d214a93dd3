"""The WebSocket origin check: a socket opens only for a page of an allowed site, compared by scheme,
host and port (channels' AllowedHostsOriginValidator compares the host alone, so any port or scheme
on an allowed host passed).

Allowed: an origin listed in settings.WEBSOCKET_ALLOWED_ORIGINS (full origins as in
CSRF_TRUSTED_ORIGINS, `https://*.example.com` for subdomains), or the socket's own origin: the
request's Host (one of ALLOWED_HOSTS) with the scheme the socket arrived on. Everything else,
including a missing Origin and `null`, is refused during the handshake (HTTP 403).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, NamedTuple
from urllib.parse import urlsplit

from django.conf import settings
from django.http.request import split_domain_port, validate_host

DEFAULT_PORTS = {"http": 80, "https": 443}
PAGE_SCHEME = {"ws": "http", "wss": "https"}


class Origin(NamedTuple):
    scheme: str
    host: str  # lower case; IPv6 without brackets; may start with "*." in an allowed pattern
    port: int


def parse_origin(value: str) -> Origin | None:
    """An Origin header (or an allowed origin) as scheme, host and port; None when it names no site."""
    try:
        parts = urlsplit(value.strip())
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS or not parts.hostname or parts.username or parts.path not in ("", "/"):
        return None
    return Origin(scheme, parts.hostname.lower(), port or DEFAULT_PORTS[scheme])


def origin_matches(origin: Origin, allowed: Origin) -> bool:
    """Whether `origin` is the `allowed` one; a `*.` pattern matches the domain's subdomains, as Django's CSRF does."""
    if (origin.scheme, origin.port) != (allowed.scheme, allowed.port):
        return False
    if allowed.host.startswith("*."):
        domain = allowed.host[2:]
        return origin.host == domain or origin.host.endswith("." + domain)
    return origin.host == allowed.host


def own_origin(scope: dict[str, Any]) -> Origin | None:
    """The origin of a page served where this socket arrived: its Host header and scheme (None if not allowed)."""
    host = _header(scope, b"host")
    scheme = PAGE_SCHEME.get(scope.get("scheme") or "ws")
    if host is None or scheme is None:
        return None
    domain, port = split_domain_port(host.lower())
    if not domain or not validate_host(domain, settings.ALLOWED_HOSTS):
        return None
    try:
        return Origin(scheme, domain.strip("[]"), int(port) if port else DEFAULT_PORTS[scheme])
    except ValueError:
        return None


def origin_allowed(scope: dict[str, Any], allowed: Iterable[str]) -> bool:
    """Whether the socket's Origin header is its own origin or one of `allowed`."""
    header = _header(scope, b"origin")
    origin = parse_origin(header) if header is not None else None
    if origin is None:
        return False
    if origin == own_origin(scope):
        return True
    return any(pattern is not None and origin_matches(origin, pattern) for pattern in map(parse_origin, allowed))


def _header(scope: dict[str, Any], name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            return value.decode("latin1")
    return None


class OriginValidator:
    """ASGI middleware for WebSocket connections: refuse the handshake unless the origin is allowed."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> Any:
        """Runs on every WebSocket handshake, before authentication and routing."""
        if scope["type"] == "websocket" and not origin_allowed(scope, settings.WEBSOCKET_ALLOWED_ORIGINS):
            # A close before the accept refuses the handshake (the server answers 403). Unlike channels'
            # WebsocketDenier (a consumer), this touches neither the database nor the channel layer.
            if (await receive())["type"] == "websocket.connect":
                await send({"type": "websocket.close"})
            return None
        return await self.app(scope, receive, send)
