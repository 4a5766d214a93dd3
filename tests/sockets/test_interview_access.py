"""Who may open /ws/interview/<id>/."""

import pytest
from django.contrib.auth.models import AnonymousUser

from tests.factories import ChatFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


async def _chat():
    from channels.db import database_sync_to_async

    return await database_sync_to_async(ChatFactory)()


async def test_interview_socket_anonymous_closes_4401(close_code):
    chat = await _chat()
    assert await close_code(f"/ws/interview/{chat.pk}/", AnonymousUser()) == 4401


async def test_interview_socket_other_user_closes_4403(close_code):
    from channels.db import database_sync_to_async

    chat = await _chat()
    stranger = await database_sync_to_async(UserFactory)()
    assert await close_code(f"/ws/interview/{chat.pk}/", stranger) == 4403


async def test_interview_socket_unknown_chat_closes_4404(close_code):
    from channels.db import database_sync_to_async

    user = await database_sync_to_async(UserFactory)()
    assert await close_code("/ws/interview/999999/", user) == 4404


async def test_interview_socket_owner_gets_snapshot(connect, offline_llm):
    chat = await _chat()
    communicator, snapshot = await connect(f"/ws/interview/{chat.pk}/", chat.user)
    await communicator.disconnect()
    assert snapshot["type"] == "session.snapshot"
    assert snapshot["interview"]["status"] == "not_started"
    assert snapshot["offline"] is True
    assert snapshot["generation"] is None
