"""Open sockets lose access: logout, password change, deactivation, lost role, reassigned invitation."""

import asyncio

import pytest
from channels.auth import AuthMiddlewareStack
from channels.db import database_sync_to_async
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from consumers.routing import websocket_urlpatterns
from interview.models import UserProfile
from tests.factories import ChatFactory, InvitationFactory, UserFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("offline_llm")]

# The production stack: the user comes from the session cookie.
APP = AuthMiddlewareStack(URLRouter(websocket_urlpatterns))
PASSWORD = "correct-horse-battery"


@pytest.fixture
def signals_only(settings):
    """No periodic pass during the test: only the announcement of the change can close the socket."""
    settings.SOCKET_RECHECK_SECONDS = 60


@pytest.fixture
def quick_recheck(settings):
    settings.SOCKET_RECHECK_SECONDS = 0.2


@database_sync_to_async
def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


@database_sync_to_async
def invited_chat():
    chat = ChatFactory()
    invitation = InvitationFactory(chat=chat, candidate_email=chat.user.email)
    return chat, invitation


async def open_socket(path, client):
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    ws = WebsocketCommunicator(APP, path, headers=[(b"cookie", cookie.encode()), (b"origin", b"http://testserver")])
    connected, _ = await ws.connect()
    assert connected
    assert (await ws.receive_json_from(timeout=10))["type"] == "session.snapshot"
    return ws


async def close_code(ws, timeout=3.0):
    """The code the server closes the socket with within `timeout` seconds (frames before it are skipped)."""
    try:
        async with asyncio.timeout(timeout):
            while True:
                output = await ws.receive_output(timeout)
                if output["type"] == "websocket.close":
                    return output["code"]
    finally:
        await ws.disconnect()


async def candidate_socket():
    chat = await database_sync_to_async(ChatFactory)()
    client = await logged_in(chat.user)
    return chat, client, await open_socket(f"/ws/interview/{chat.pk}/", client)


@pytest.mark.usefixtures("signals_only")
async def test_socket_logout_closes_4401():
    _, client, ws = await candidate_socket()
    response = await database_sync_to_async(client.post)("/accounts/logout/")
    assert response.status_code == 302
    assert await close_code(ws) == 4401


@pytest.mark.usefixtures("signals_only")
async def test_socket_password_change_closes_4401():
    _, client, ws = await candidate_socket()
    form = {
        "old_password": PASSWORD,
        "new_password1": "a-new-long-pass-phrase",
        "new_password2": "a-new-long-pass-phrase",
    }
    response = await database_sync_to_async(client.post)("/accounts/password/", form)
    assert response.status_code == 302
    assert await close_code(ws) == 4401


@pytest.mark.usefixtures("signals_only")
async def test_socket_deactivated_user_closes_4401():
    chat, _, ws = await candidate_socket()
    chat.user.is_active = False
    await database_sync_to_async(chat.user.save)()
    assert await close_code(ws) == 4401


@pytest.mark.usefixtures("signals_only")
async def test_observer_losing_interviewer_role_closes_4403():
    chat, invitation = await invited_chat()
    ws = await open_socket(f"/ws/observe/{chat.pk}/", await logged_in(invitation.interviewer))
    profile = await database_sync_to_async(UserProfile.objects.get)(user=invitation.interviewer)
    profile.role = UserProfile.CANDIDATE
    await database_sync_to_async(profile.save)()
    assert await close_code(ws) == 4403


@pytest.mark.usefixtures("signals_only")
async def test_observer_of_reassigned_invitation_closes_4403():
    chat, invitation = await invited_chat()
    ws = await open_socket(f"/ws/observe/{chat.pk}/", await logged_in(invitation.interviewer))
    invitation.interviewer = await database_sync_to_async(UserFactory)(role="interviewer")
    await database_sync_to_async(invitation.save)()
    assert await close_code(ws) == 4403


@pytest.mark.usefixtures("quick_recheck")
async def test_socket_recheck_catches_role_change_without_signal():
    chat, invitation = await invited_chat()
    ws = await open_socket(f"/ws/observe/{chat.pk}/", await logged_in(invitation.interviewer))
    await database_sync_to_async(UserProfile.objects.filter(user=invitation.interviewer).update)(role="candidate")
    assert await close_code(ws) == 4403


@pytest.mark.usefixtures("quick_recheck")
async def test_socket_recheck_catches_expired_session():
    _, client, ws = await candidate_socket()
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    await database_sync_to_async(Session.objects.filter(pk=key).update)(expire_date=timezone.now())
    assert await close_code(ws) == 4401


@pytest.mark.usefixtures("quick_recheck")
async def test_socket_recheck_keeps_valid_socket_open():
    _, _, ws = await candidate_socket()
    await asyncio.sleep(0.6)  # three passes
    await ws.send_json_to({"type": "ping"})
    frame = await ws.receive_json_from(timeout=3)
    await ws.disconnect()
    assert frame["type"] == "pong"


@pytest.mark.usefixtures("signals_only")
async def test_socket_other_session_logout_keeps_socket_open():
    chat, _, ws = await candidate_socket()
    other = await logged_in(chat.user)
    await database_sync_to_async(other.post)("/accounts/logout/")
    assert await ws.receive_nothing(timeout=0.5)
    await ws.send_json_to({"type": "ping"})
    frame = await ws.receive_json_from(timeout=3)
    await ws.disconnect()
    assert frame["type"] == "pong"
