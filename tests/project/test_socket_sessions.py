"""The WebSocket stack (live_interview/sessions.py): the user from the session cookie, frames sent unwrapped."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.test import Client

from live_interview.sessions import socket_auth_stack
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


class Recorder:
    """An ASGI app that notes the user and the `send` it was given, then accepts and sends one frame."""

    def __init__(self) -> None:
        self.user = None
        self.send = None

    async def __call__(self, scope, receive, send):
        self.user = scope["user"]
        self.send = send
        assert (await receive())["type"] == "websocket.connect"
        await send({"type": "websocket.accept"})
        await send({"type": "websocket.send", "text": "hello"})
        await receive()


@database_sync_to_async
def _session_cookie(user) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


async def _connect(app, cookie: str = ""):
    headers = [(b"cookie", f"{settings.SESSION_COOKIE_NAME}={cookie}".encode())] if cookie else []
    communicator = WebsocketCommunicator(socket_auth_stack(app), "/ws/x/", headers=headers)
    connected, _ = await communicator.connect()
    assert connected
    text = await communicator.receive_from()
    await communicator.disconnect()
    return text


async def test_socket_stack_finds_the_user_of_the_session_cookie():
    user = await database_sync_to_async(UserFactory)()
    app = Recorder()
    assert await _connect(app, await _session_cookie(user)) == "hello"
    assert app.user.is_authenticated and app.user.pk == user.pk


async def test_socket_stack_without_a_cookie_is_anonymous():
    app = Recorder()
    assert await _connect(app) == "hello"
    assert not app.user.is_authenticated


async def test_socket_stack_passes_the_servers_send_through_unwrapped():
    app = Recorder()
    await _connect(app)
    assert getattr(app.send, "__self__", None) is None or type(app.send.__self__).__name__ != "InstanceSessionWrapper"


async def test_socket_stack_still_wraps_send_for_http():
    seen = {}

    async def app(scope, receive, send):
        seen["send"] = send

    await socket_auth_stack(app)({"type": "http", "headers": []}, None, lambda message: None)
    assert type(seen["send"].__self__).__name__ == "InstanceSessionWrapper"
