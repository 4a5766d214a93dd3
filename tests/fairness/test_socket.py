"""Observer notes over the socket: a refused note comes back as an error frame with the code and the terms."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async

from interview.models import ObserverNote
from tests.factories import ChatFactory, InvitationFactory
from tests.fairness.helpers import WARNED, seed_library
from tests.sockets.helpers import frames_until, of_type

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("offline_llm")]


@database_sync_to_async
def invited_chat():
    seed_library()
    chat = ChatFactory(key_questions=[{"question": "Tell me about a bug you fixed.", "time_limit": 120}])
    return chat, InvitationFactory(chat=chat, candidate_email=chat.user.email).interviewer


async def test_socket_note_with_blocking_term_is_an_error_frame(connect):
    chat, interviewer = await invited_chat()
    observer, _ = await connect(f"/ws/observe/{chat.pk}/", interviewer)
    await observer.send_json_to({"type": "observer.note", "content": "Too old for this team."})
    error = (await frames_until(observer, of_type("error")))[-1]
    await observer.disconnect()
    assert (error["code"], [t["term"] for t in error["terms"]]) == ("biased_language", ["too old"])
    assert not await database_sync_to_async(ObserverNote.objects.exists)()


async def test_socket_note_warning_is_stored_once_confirmed(connect):
    chat, interviewer = await invited_chat()
    observer, _ = await connect(f"/ws/observe/{chat.pk}/", interviewer)
    await observer.send_json_to({"type": "observer.note", "content": WARNED})
    error = (await frames_until(observer, of_type("error")))[-1]
    await observer.send_json_to({"type": "observer.note", "content": WARNED, "confirm_language": True})
    created = (await frames_until(observer, of_type("note.created")))[-1]
    await observer.disconnect()
    assert (error["code"], created["note"]["text"]) == ("confirm_language", WARNED)
