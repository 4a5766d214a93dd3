"""Proxy headers, trusted only from the proxies DJANGO_TRUSTED_PROXIES names.

daphne's own `--proxy-headers` believes any client's `X-Forwarded-For` (and takes its first, client-
written entry), so it is never used: this middleware resolves the client address and scheme itself
when the connection comes from a trusted proxy, and removes the forwarding headers otherwise, so
nothing downstream (Django's SECURE_PROXY_SSL_HEADER, DRF's throttles) can read a forged one.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from typing import Any

# Headers a proxy sets about the original request; only a trusted proxy's are kept.
FORWARDING_HEADERS = frozenset(
    {b"x-forwarded-for", b"x-forwarded-proto", b"x-forwarded-host", b"x-forwarded-port", b"forwarded", b"x-real-ip"}
)
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_trusted_proxies(value: str) -> int | list[str]:
    """Read DJANGO_TRUSTED_PROXIES: "" (none), a count of proxies in front ("1"), or their addresses/networks."""
    value = value.strip()
    if not value:
        return 0
    if value.isdigit():
        return int(value)
    entries = [item.strip() for item in value.split(",") if item.strip()]
    for entry in entries:
        ipaddress.ip_network(entry, strict=False)  # ValueError names the bad entry
    return entries


class ProxyHeadersMiddleware:
    """ASGI middleware: set scope["client"] and scope["scheme"] from a trusted proxy's X-Forwarded-* headers."""

    def __init__(self, app: Any, trusted: int | Sequence[str]) -> None:
        self.app = app
        self.count = trusted if isinstance(trusted, int) else 0
        self.networks: list[Network] = (
            [] if isinstance(trusted, int) else [ipaddress.ip_network(item, strict=False) for item in trusted]
        )

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> Any:
        """Runs on every connection, before Django or Channels see it."""
        if scope["type"] in ("http", "websocket"):
            scope = self.resolve(scope)
        return await self.app(scope, receive, send)

    def resolve(self, scope: dict[str, Any]) -> dict[str, Any]:
        """The scope as the application should see it: the real client, or no forwarding headers at all."""
        peer = (scope.get("client") or (None,))[0]
        headers = scope.get("headers", [])
        if not (self.count or self._listed(peer)):
            return {**scope, "headers": [(k, v) for k, v in headers if k.lower() not in FORWARDING_HEADERS]}
        values = {k.lower(): v.decode("latin1") for k, v in headers if k.lower() in FORWARDING_HEADERS}
        hops = [hop.strip() for hop in values.get(b"x-forwarded-for", "").split(",") if hop.strip()]
        resolved = dict(scope)
        if hops:
            resolved["client"] = (self._client(peer, hops), 0)
        proto = values.get(b"x-forwarded-proto", "").split(",")[0].strip().lower()
        if proto in ("http", "https"):
            secure = proto == "https"
            resolved["scheme"] = ("wss" if secure else "ws") if scope["type"] == "websocket" else proto
        return resolved

    def _client(self, peer: str | None, hops: list[str]) -> str:
        if self.count:
            # Each of the `count` proxies appended the address it saw; entries left of those are the client's word.
            return hops[-min(self.count, len(hops))]
        address = peer  # listed: walk back through the hops while they are our own proxies
        while hops and self._listed(address):
            address = hops.pop()
        return address or ""

    def _listed(self, address: str | None) -> bool:
        try:
            ip = ipaddress.ip_address(address or "")
        except ValueError:
            return False
        return any(ip in network for network in self.networks)
