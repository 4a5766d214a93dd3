"""The observer socket: who may watch, what they see, notes, extend and end."""

import pytest
from channels.db import database_sync_to_async
from django.contrib.auth.models import AnonymousUser

from interview.models import Chat, ObserverNote
from tests.factories import ChatFactory, InvitationFactory, UserFactory
from tests.sockets.helpers import delta_text, frames_until, of_type

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("offline_llm")]

KEY_QUESTIONS = [
    {"question": "Tell me about a bug you fixed.", "time_limit": 120},
    {"question": "Why us?", "time_limit": 60},
]


@database_sync_to_async
def invited_chat():
    chat = ChatFactory(key_questions=[dict(q) for q in KEY_QUESTIONS])
    invitation = InvitationFactory(chat=chat, candidate_email=chat.user.email)
    return chat, invitation.interviewer


@database_sync_to_async
def reload(chat):
    return Chat.objects.get(pk=chat.pk)


@pytest.mark.parametrize(
    ("who", "code"),
    [("anonymous", 4401), ("candidate", 4403), ("other_candidate", 4403), ("other_interviewer", 4403)],
)
async def test_observer_denied(close_code, who, code):
    chat, _ = await invited_chat()
    users = {
        "anonymous": AnonymousUser(),
        "candidate": chat.user,
        "other_candidate": await database_sync_to_async(UserFactory)(),
        "other_interviewer": await database_sync_to_async(UserFactory)(role="interviewer"),
    }
    assert await close_code(f"/ws/observe/{chat.pk}/", users[who]) == code


async def test_observer_unknown_chat_closes_4404(close_code):
    admin = await database_sync_to_async(UserFactory)(role="admin")
    assert await close_code("/ws/observe/424242/", admin) == 4404


@pytest.mark.parametrize("who", ["inviting_interviewer", "admin", "superuser"])
async def test_observer_allowed(connect, who):
    chat, interviewer = await invited_chat()
    users = {
        "inviting_interviewer": interviewer,
        "admin": await database_sync_to_async(UserFactory)(role="admin"),
        "superuser": await database_sync_to_async(UserFactory)(is_superuser=True, is_staff=True),
    }
    ws, snapshot = await connect(f"/ws/observe/{chat.pk}/", users[who])
    await ws.disconnect()
    assert snapshot["role"] == "observer" and snapshot["notes"] == []


async def test_admin_may_observe_practice_chat(connect):
    chat = await database_sync_to_async(ChatFactory)()
    admin = await database_sync_to_async(UserFactory)(role="admin")
    ws, snapshot = await connect(f"/ws/observe/{chat.pk}/", admin)
    await ws.disconnect()
    assert snapshot["type"] == "session.snapshot"


async def test_observer_sees_same_deltas_as_candidate(connect):
    chat, interviewer = await invited_chat()
    candidate, _ = await connect(f"/ws/interview/{chat.pk}/", chat.user)
    observer, _ = await connect(f"/ws/observe/{chat.pk}/", interviewer)
    await candidate.send_json_to({"type": "interview.start"})
    seen_by_candidate = await frames_until(candidate, of_type("question.started"))
    seen_by_observer = await frames_until(observer, of_type("question.started"))
    await candidate.disconnect()
    await observer.disconnect()
    message_id = (await reload(chat)).messages[0]["id"]
    assert delta_text(seen_by_candidate, message_id) == delta_text(seen_by_observer, message_id) != ""


async def test_candidate_sees_who_is_watching(connect):
    chat, interviewer = await invited_chat()
    candidate, _ = await connect(f"/ws/interview/{chat.pk}/", chat.user)
    observer, _ = await connect(f"/ws/observe/{chat.pk}/", interviewer)
    presence = await frames_until(candidate, of_type("observer.presence"))
    await observer.disconnect()
    left = await frames_until(candidate, of_type("observer.presence"))
    await candidate.disconnect()
    assert presence[-1]["observers"] == [{"name": f"{interviewer.username} (interviewer)"}]
    assert left[-1]["observers"] == []


async def test_observer_note_is_stored_and_hidden_from_candidate(connect):
    chat, interviewer = await invited_chat()
    candidate, _ = await connect(f"/ws/interview/{chat.pk}/", chat.user)
    observer, _ = await connect(f"/ws/observe/{chat.pk}/", interviewer)
    await frames_until(candidate, of_type("observer.presence"))
    await observer.send_json_to({"type": "observer.note", "content": "Strong debugging story."})
    created = await frames_until(observer, of_type("note.created"))
    assert await candidate.receive_nothing(timeout=0.3)
    await candidate.disconnect()
    await observer.disconnect()
    note = await database_sync_to_async(ObserverNote.objects.get)(chat=chat)
    assert created[-1]["note"]["text"] == note.text == "Strong debugging story."
    assert note.author_id == interviewer.pk


async def test_observer_note_is_in_observer_snapshot(connect):
    chat, interviewer = await invited_chat()
    await database_sync_to_async(ObserverNote.objects.create)(chat=chat, author=interviewer, text="Earlier note")
    ws, snapshot = await connect(f"/ws/observe/{chat.pk}/", interviewer)
    await ws.disconnect()
    assert [n["text"] for n in snapshot["notes"]] == ["Earlier note"]


async def test_candidate_snapshot_has_no_notes(connect):
    chat, interviewer = await invited_chat()
    await database_sync_to_async(ObserverNote.objects.create)(chat=chat, author=interviewer, text="Private")
    ws, snapshot = await connect(f"/ws/interview/{chat.pk}/", chat.user)
    await ws.disconnect()
    assert "notes" not in snapshot and "Private" not in str(snapshot)


async def test_extend_moves_deadline_for_everyone(connect):
    chat, interviewer = await invited_chat()
    candidate, _ = await connect(f"/ws/interview/{chat.pk}/", chat.user)
    observer, _ = await connect(f"/ws/observe/{chat.pk}/", interviewer)
    await candidate.send_json_to({"type": "interview.start"})
    started = (await frames_until(candidate, of_type("question.started")))[-1]
    await frames_until(observer, of_type("question.started"))
    await observer.send_json_to({"type": "question.extend", "seconds": 60})
    extended = (await frames_until(candidate, of_type("question.extended")))[-1]
    await candidate.disconnect()
    await observer.disconnect()
    from datetime import datetime

    moved = datetime.fromisoformat(extended["deadline"]) - datetime.fromisoformat(started["deadline"])
    assert moved.total_seconds() == 60 and extended["seconds"] == 60
    assert (await reload(chat)).key_questions[0]["extended_seconds"] == 60


@pytest.mark.parametrize("seconds", [-10, 0, 100000])
async def test_extend_refuses_bad_values(connect, seconds):
    chat, interviewer = await invited_chat()
    observer, _ = await connect(f"/ws/observe/{chat.pk}/", interviewer)
    await observer.send_json_to({"type": "question.extend", "seconds": seconds})
    error = (await frames_until(observer, of_type("error")))[-1]
    await observer.disconnect()
    assert error["code"] == "invalid"


async def test_extend_without_running_question_is_refused(connect):
    chat, interviewer = await invited_chat()
    observer, _ = await connect(f"/ws/observe/{chat.pk}/", interviewer)
    await observer.send_json_to({"type": "question.extend", "seconds": 30})
    error = (await frames_until(observer, of_type("error")))[-1]
    await observer.disconnect()
    assert error["code"] == "invalid" and (await reload(chat)).question_deadline is None


async def test_end_completes_interview_for_everyone(connect):
    chat, interviewer = await invited_chat()
    candidate, _ = await connect(f"/ws/interview/{chat.pk}/", chat.user)
    observer, _ = await connect(f"/ws/observe/{chat.pk}/", interviewer)
    await candidate.send_json_to({"type": "interview.start"})
    await frames_until(candidate, of_type("question.started"))
    await observer.send_json_to({"type": "interview.end"})
    ended = await frames_until(candidate, of_type("interview.completed"))
    await candidate.send_json_to({"type": "answer.submit", "id": "late", "content": "Wait!"})
    refused = await frames_until(candidate, of_type("error"))
    await candidate.disconnect()
    await observer.disconnect()
    assert ended[-1]["reason"] == "ended_by_interviewer" and refused[-1]["code"] == "completed"
    stored = await reload(chat)
    assert stored.status == "completed" and stored.key_questions[0]["status"] == "expired"


async def test_end_twice_is_refused(connect):
    chat, interviewer = await invited_chat()
    observer, _ = await connect(f"/ws/observe/{chat.pk}/", interviewer)
    await observer.send_json_to({"type": "interview.end"})
    await frames_until(observer, of_type("interview.completed"))
    await observer.send_json_to({"type": "interview.end"})
    error = await frames_until(observer, of_type("error"))
    await observer.disconnect()
    assert error[-1]["code"] == "completed"


async def test_candidate_frame_on_observer_socket_is_forbidden(connect):
    chat, interviewer = await invited_chat()
    observer, _ = await connect(f"/ws/observe/{chat.pk}/", interviewer)
    await observer.send_json_to({"type": "answer.submit", "id": "x", "content": "I am not the candidate"})
    error = (await frames_until(observer, of_type("error")))[-1]
    await observer.disconnect()
    assert error["code"] == "forbidden" and (await reload(chat)).messages == []


async def test_question_expires_with_no_client_connected(connect, settings):
    """Real time: a 1-second question runs out after the candidate has gone; the server moves on."""
    import asyncio

    settings.KEY_QUESTION_GRACE_SECONDS = 0.2
    chat = await database_sync_to_async(ChatFactory)(
        key_questions=[{"question": "Quick one?", "time_limit": 1}, {"question": "Next?", "time_limit": 60}]
    )
    candidate, _ = await connect(f"/ws/interview/{chat.pk}/", chat.user)
    await candidate.send_json_to({"type": "interview.start"})
    await frames_until(candidate, of_type("question.started"))
    await candidate.disconnect()
    for _ in range(60):
        stored = await reload(chat)
        if stored.current_question_index == 1:
            break
        await asyncio.sleep(0.1)
    assert stored.key_questions[0]["status"] == "expired"
    assert stored.current_question_index == 1 and stored.key_questions[1]["status"] == "asked"
