"""The WebSocket stack's session and user: channels' AuthMiddlewareStack, without a wrapper around every frame.

channels' SessionMiddleware hands the application a `send` of its own, which saves the session and sets
its cookie when an HTTP response starts. A WebSocket never sends one (its handshake goes out before the
application sends anything, and no cookie can be set after it), so for a socket that wrapper only made
every frame pay its checks — the session's `modified` and `is_empty()` through Django's lazy objects —
about 1.6 % of the server's CPU while replies stream (docs/performance.md, issue 23). Here a WebSocket
gets the server's own `send`; its session is resolved exactly as before, so AuthMiddleware finds the user
in it. Any other scope goes through channels' middleware unchanged.
"""

from __future__ import annotations

from typing import Any

from channels.auth import AuthMiddleware
from channels.sessions import CookieMiddleware, InstanceSessionWrapper, SessionMiddleware


class SocketSessionMiddleware(SessionMiddleware):
    """SessionMiddleware that passes a WebSocket's `send` through untouched (the session is still resolved)."""

    async def __call__(self, scope: Any, receive: Any, send: Any) -> Any:
        if scope["type"] != "websocket":
            return await super().__call__(scope, receive, send)
        wrapper = InstanceSessionWrapper(scope, send)
        await wrapper.resolve_session()
        inner: Any = self.inner  # the stubs type it as an ASGI 2 or 3 application; the stack above is ASGI 3
        return await inner(wrapper.scope, receive, send)


def socket_auth_stack(inner: Any) -> Any:
    """channels' AuthMiddlewareStack (cookies, session, user) with SocketSessionMiddleware in the middle."""
    return CookieMiddleware(SocketSessionMiddleware(AuthMiddleware(inner)))
