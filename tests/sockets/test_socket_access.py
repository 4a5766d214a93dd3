"""Open sockets lose access: logout, password change, deactivation, lost role, reassigned invitation."""

import asyncio

import pytest
from channels.db import database_sync_to_async
from channels.routing import URLRouter
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from consumers.routing import websocket_urlpatterns
from interview.models import UserProfile
from live_interview.sessions import socket_auth_stack
from tests.factories import ChatFactory, InvitationFactory, UserFactory
from tests.sockets.helpers import closed_with

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("offline_llm")]

# The production stack: the user comes from the session cookie.
APP = socket_auth_stack(URLRouter(websocket_urlpatterns))
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


async def open_socket(sockets, path, client):
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    ws = await sockets.open(path, app=APP, headers=[(b"cookie", cookie.encode()), (b"origin", b"http://testserver")])
    assert (await ws.receive_json_from(timeout=10))["type"] == "session.snapshot"
    return ws


async def candidate_socket(sockets):
    chat = await database_sync_to_async(ChatFactory)()
    client = await logged_in(chat.user)
    return chat, client, await open_socket(sockets, f"/ws/interview/{chat.pk}/", client)


@pytest.mark.usefixtures("signals_only")
async def test_socket_logout_closes_4401(sockets):
    _, client, ws = await candidate_socket(sockets)
    response = await database_sync_to_async(client.post)("/accounts/logout/")
    assert response.status_code == 302
    assert await closed_with(ws, 3.0) == 4401


@pytest.mark.usefixtures("signals_only")
async def test_socket_password_change_closes_4401(sockets):
    _, client, ws = await candidate_socket(sockets)
    form = {"oldpassword": PASSWORD, "password1": "a-new-long-pass-phrase", "password2": "a-new-long-pass-phrase"}
    response = await database_sync_to_async(client.post)(reverse("account_change_password"), form)
    assert response.status_code == 302
    assert await closed_with(ws, 3.0) == 4401


@pytest.mark.usefixtures("signals_only")
async def test_socket_deactivated_user_closes_4401(sockets):
    chat, _, ws = await candidate_socket(sockets)
    chat.user.is_active = False
    await database_sync_to_async(chat.user.save)()
    assert await closed_with(ws, 3.0) == 4401


@pytest.mark.usefixtures("signals_only")
async def test_observer_losing_interviewer_role_closes_4403(sockets):
    chat, invitation = await invited_chat()
    ws = await open_socket(sockets, f"/ws/observe/{chat.pk}/", await logged_in(invitation.interviewer))
    profile = await database_sync_to_async(UserProfile.objects.get)(user=invitation.interviewer)
    profile.role = UserProfile.CANDIDATE
    await database_sync_to_async(profile.save)()
    assert await closed_with(ws, 3.0) == 4403


@pytest.mark.usefixtures("signals_only")
async def test_observer_of_reassigned_invitation_closes_4403(sockets):
    chat, invitation = await invited_chat()
    ws = await open_socket(sockets, f"/ws/observe/{chat.pk}/", await logged_in(invitation.interviewer))
    invitation.interviewer = await database_sync_to_async(UserFactory)(role="interviewer")
    await database_sync_to_async(invitation.save)()
    assert await closed_with(ws, 3.0) == 4403


@pytest.mark.usefixtures("quick_recheck")
async def test_socket_recheck_catches_role_change_without_signal(sockets):
    chat, invitation = await invited_chat()
    ws = await open_socket(sockets, f"/ws/observe/{chat.pk}/", await logged_in(invitation.interviewer))
    await database_sync_to_async(UserProfile.objects.filter(user=invitation.interviewer).update)(role="candidate")
    assert await closed_with(ws, 3.0) == 4403


@pytest.mark.usefixtures("quick_recheck")
async def test_socket_recheck_catches_expired_session(sockets):
    _, client, ws = await candidate_socket(sockets)
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    await database_sync_to_async(Session.objects.filter(pk=key).update)(expire_date=timezone.now())
    assert await closed_with(ws, 3.0) == 4401


@pytest.mark.usefixtures("quick_recheck")
async def test_socket_recheck_keeps_valid_socket_open(sockets):
    _, _, ws = await candidate_socket(sockets)
    await asyncio.sleep(0.6)  # three passes
    await ws.send_json_to({"type": "ping"})
    frame = await ws.receive_json_from(timeout=3)
    await ws.disconnect()
    assert frame["type"] == "pong"


@pytest.mark.usefixtures("signals_only")
async def test_socket_other_session_logout_keeps_socket_open(sockets):
    chat, _, ws = await candidate_socket(sockets)
    other = await logged_in(chat.user)
    await database_sync_to_async(other.post)("/accounts/logout/")
    assert await ws.receive_nothing(timeout=0.5)
    await ws.send_json_to({"type": "ping"})
    frame = await ws.receive_json_from(timeout=3)
    await ws.disconnect()
    assert frame["type"] == "pong"
