"""The observer's socket records its steering with the observer as actor and the socket's browser."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async

from interview.audit.actions import AuditAction
from interview.models import AuditEvent
from tests.factories import ChatFactory, InvitationFactory
from tests.sockets.helpers import frames_until, of_type

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("offline_llm")]


@database_sync_to_async
def invited_chat():
    chat = ChatFactory(key_questions=[{"question": "Tell me about a bug you fixed.", "time_limit": 120}])
    return chat, InvitationFactory(chat=chat, candidate_email=chat.user.email).interviewer


@database_sync_to_async
def note_events():
    return list(AuditEvent.objects.filter(action=AuditAction.OBSERVER_NOTE.value).values("actor_id", "user_agent"))


async def test_observer_note_over_the_socket_writes_one_event(sockets):
    chat, interviewer = await invited_chat()
    observer = await sockets.open(f"/ws/observe/{chat.pk}/", interviewer, headers=[(b"user-agent", b"Watcher/2")])
    await observer.receive_json_from(timeout=15)
    await observer.send_json_to({"type": "observer.note", "content": "Strong debugging story."})
    await frames_until(observer, of_type("note.created"))
    await observer.disconnect()
    assert await note_events() == [{"actor_id": interviewer.pk, "user_agent": "Watcher/2"}]
