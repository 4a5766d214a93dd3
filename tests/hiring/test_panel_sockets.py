"""A co-interviewer's observer socket: kept by the periodic access pass, closed when taken off the panel."""

from __future__ import annotations

import asyncio

import pytest
from channels.db import database_sync_to_async
from channels.routing import URLRouter
from django.conf import settings
from django.test import Client
from django.utils import timezone

from consumers.routing import websocket_urlpatterns
from interview.hiring.panel import panel_set
from interview.live.access import OK, SocketHolder, socket_access_recheck
from live_interview.sessions import socket_auth_stack
from tests.factories import ChatFactory, InvitationFactory, UserFactory
from tests.sockets.helpers import closed_with, frames_until, of_type

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("offline_llm")]

APP = socket_auth_stack(URLRouter(websocket_urlpatterns))


@database_sync_to_async
def panel_chat():
    chat = ChatFactory()
    invitation = InvitationFactory(chat=chat, candidate_email=chat.user.email)
    member = UserFactory(username="member", role="interviewer")
    invitation.panel.add(member)
    client = Client()
    client.force_login(member)
    return chat, invitation, member, client


async def observe(sockets, chat, client):
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    headers = [(b"cookie", cookie.encode()), (b"origin", b"http://testserver")]
    ws = await sockets.open(f"/ws/observe/{chat.pk}/", app=APP, headers=headers)
    assert (await ws.receive_json_from(timeout=10))["type"] == "session.snapshot"
    return ws


async def test_panel_member_removed_from_the_panel_closes_4403(sockets, settings):
    settings.SOCKET_RECHECK_SECONDS = 60  # only the announcement of the change can close it
    chat, invitation, _, client = await panel_chat()
    ws = await observe(sockets, chat, client)
    await database_sync_to_async(panel_set)(invitation_id=invitation.pk, user=invitation.interviewer, panel=[])
    assert await closed_with(ws, 3.0) == 4403


async def test_panel_member_socket_survives_the_periodic_pass(sockets, settings):
    settings.SOCKET_RECHECK_SECONDS = 0.2
    chat, _, _, client = await panel_chat()
    ws = await observe(sockets, chat, client)
    await asyncio.sleep(1.0)  # several batched passes
    await ws.send_json_to({"type": "ping"})
    frames = await frames_until(ws, of_type("pong"))  # presence frames may come first; a close fails here
    assert frames[-1]["type"] == "pong"


def test_socket_recheck_reads_every_panel_in_one_query(django_assert_num_queries):
    holders = []
    for n in range(3):
        chat = ChatFactory()
        invitation = InvitationFactory(chat=chat, candidate_email=chat.user.email)
        member = UserFactory(username=f"member{n}", role="interviewer")
        invitation.panel.add(member, UserFactory(username=f"other{n}", role="interviewer"))
        holders.append(SocketHolder(user_id=member.pk, chat_id=chat.pk, observer=True))
    with django_assert_num_queries(3):  # users, chats, panels
        verdicts = socket_access_recheck(holders, now=timezone.now())
    assert verdicts == [OK] * 3
