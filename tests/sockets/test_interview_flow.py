"""The candidate's interview over the socket, with the offline interviewer (no network)."""

import pytest
from channels.db import database_sync_to_async

from interview.models import Chat, TokenUsage
from tests.factories import ChatFactory
from tests.sockets.helpers import delta_text, frames_until, of_type

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("offline_llm")]

KEY_QUESTIONS = [
    {"question": "What is a Python generator?", "time_limit": 120},
    {"question": "How do you review code?", "time_limit": 120},
]


@database_sync_to_async
def make_chat(**kwargs):
    return ChatFactory(key_questions=[dict(q) for q in KEY_QUESTIONS], **kwargs)


@database_sync_to_async
def reload(chat):
    return Chat.objects.get(pk=chat.pk)


async def start(communicator):
    await communicator.send_json_to({"type": "interview.start"})
    return await frames_until(communicator, of_type("question.started"))


async def answer(communicator, client_id, content, until="question.started"):
    await communicator.send_json_to({"type": "answer.submit", "id": client_id, "content": content})
    return await frames_until(communicator, of_type(until))


async def test_start_streams_greeting_then_first_question(connect):
    chat = await make_chat()
    ws, _ = await connect(f"/ws/interview/{chat.pk}/", chat.user)
    frames = await start(ws)
    await ws.disconnect()
    created = next(f for f in frames if f["type"] == "message.created")
    stored = (await reload(chat)).messages[0]
    assert delta_text(frames, created["message"]["id"]) == stored["content"]
    assert stored["content"].endswith(KEY_QUESTIONS[0]["question"])
    assert frames[-1]["index"] == 0 and frames[-1]["time_limit"] == 120


async def test_start_says_offline_in_greeting(connect):
    chat = await make_chat()
    ws, _ = await connect(f"/ws/interview/{chat.pk}/", chat.user)
    await start(ws)
    await ws.disconnect()
    assert "offline" in (await reload(chat)).messages[0]["content"].lower()


async def test_start_twice_makes_one_greeting(connect):
    chat = await make_chat()
    ws, _ = await connect(f"/ws/interview/{chat.pk}/", chat.user)
    await start(ws)
    await ws.send_json_to({"type": "interview.start"})
    assert await ws.receive_nothing(timeout=0.3)
    await ws.disconnect()
    assert len((await reload(chat)).messages) == 1


async def test_answer_is_stored_with_question_and_seconds(connect):
    chat = await make_chat()
    ws, _ = await connect(f"/ws/interview/{chat.pk}/", chat.user)
    await start(ws)
    frames = await answer(ws, "c-1", "A function that yields values lazily.")
    await ws.disconnect()
    echo = next(f for f in frames if f["type"] == "message.created" and f["client_id"] == "c-1")
    stored = (await reload(chat)).messages[1]
    assert echo["message"]["id"] == stored["id"]
    assert stored["question_index"] == 0 and stored["answer_seconds"] >= 0
    assert (await reload(chat)).key_questions[0]["status"] == "answered"


async def test_last_answer_completes_interview(connect):
    chat = await make_chat()
    ws, _ = await connect(f"/ws/interview/{chat.pk}/", chat.user)
    await start(ws)
    await answer(ws, "c-1", "First answer with some detail.")
    frames = await answer(ws, "c-2", "Second answer.", until="interview.completed")
    await ws.disconnect()
    done = [f for f in frames if f["type"] == "assistant.done"]
    assert done[-1]["status"] == "complete"
    assert (await reload(chat)).status == "completed"


async def test_answer_after_completion_is_refused(connect):
    chat = await make_chat()
    ws, _ = await connect(f"/ws/interview/{chat.pk}/", chat.user)
    await start(ws)
    await answer(ws, "c-1", "One.")
    await answer(ws, "c-2", "Two.", until="interview.completed")
    await ws.send_json_to({"type": "answer.submit", "id": "c-3", "content": "Three."})
    error = await ws.receive_json_from()
    await ws.disconnect()
    assert error["type"] == "error" and error["code"] == "completed"
    assert len((await reload(chat)).messages) == 5


async def test_every_turn_writes_token_usage(connect):
    chat = await make_chat()
    ws, _ = await connect(f"/ws/interview/{chat.pk}/", chat.user)
    await start(ws)
    await answer(ws, "c-1", "One.")
    await ws.disconnect()
    rows = await database_sync_to_async(list)(
        TokenUsage.objects.filter(chat=chat).values("request_type", "model_name", "estimated", "user_id")
    )
    assert (
        rows
        == [
            {
                "request_type": "interview_turn",
                "model_name": "offline-interviewer",
                "estimated": True,
                "user_id": chat.user_id,
            }
        ]
        * 2
    )


async def test_duplicate_answer_id_makes_one_message(connect):
    chat = await make_chat()
    ws, _ = await connect(f"/ws/interview/{chat.pk}/", chat.user)
    await start(ws)
    await answer(ws, "same-id", "My answer.")
    await ws.send_json_to({"type": "answer.submit", "id": "same-id", "content": "My answer."})
    echo = await ws.receive_json_from()
    await ws.disconnect()
    assert echo["type"] == "message.created" and echo["client_id"] == "same-id"
    users = [m for m in (await reload(chat)).messages if m["role"] == "user"]
    assert len(users) == 1


async def test_answer_before_start_is_refused(connect):
    chat = await make_chat()
    ws, _ = await connect(f"/ws/interview/{chat.pk}/", chat.user)
    await ws.send_json_to({"type": "answer.submit", "id": "c-1", "content": "Hi"})
    error = await ws.receive_json_from()
    await ws.disconnect()
    assert (error["code"], error["client_id"]) == ("not_started", "c-1")
    assert (await reload(chat)).messages == []


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("not json", "invalid"),
        ('{"type": "launch"}', "invalid"),
        ('{"type": "answer.submit", "id": "x"}', "invalid"),
        ('{"type": "question.extend", "seconds": 10}', "forbidden"),
        ('{"type": "observer.note", "content": "psst"}', "forbidden"),
    ],
)
async def test_bad_frames_get_error_and_change_nothing(connect, raw, code):
    chat = await make_chat()
    ws, _ = await connect(f"/ws/interview/{chat.pk}/", chat.user)
    await ws.send_to(text_data=raw)
    error = await ws.receive_json_from()
    await ws.disconnect()
    assert (error["type"], error["code"]) == ("error", code)
    assert (await reload(chat)).messages == []


async def test_oversized_answer_is_refused(connect, settings):
    settings.ANSWER_MAX_CHARS = 50
    chat = await make_chat()
    ws, _ = await connect(f"/ws/interview/{chat.pk}/", chat.user)
    await start(ws)
    await ws.send_json_to({"type": "answer.submit", "id": "big", "content": "x" * 51})
    error = await ws.receive_json_from()
    await ws.disconnect()
    assert error["code"] == "invalid" and "50" in error["message"]
    assert len((await reload(chat)).messages) == 1


async def test_binary_frame_is_refused(connect):
    chat = await make_chat()
    ws, _ = await connect(f"/ws/interview/{chat.pk}/", chat.user)
    await ws.send_to(bytes_data=b"\x00\x01")
    error = await ws.receive_json_from()
    await ws.disconnect()
    assert error["code"] == "invalid"


async def test_chat_without_key_questions_gets_them_at_start(connect):
    chat = await database_sync_to_async(ChatFactory)()
    ws, _ = await connect(f"/ws/interview/{chat.pk}/", chat.user)
    await start(ws)
    await ws.disconnect()
    assert len((await reload(chat)).key_questions) == 5


async def test_ping_gets_pong_with_server_time(connect):
    chat = await make_chat()
    ws, _ = await connect(f"/ws/interview/{chat.pk}/", chat.user)
    await ws.send_json_to({"type": "ping"})
    pong = await ws.receive_json_from()
    await ws.disconnect()
    assert pong["type"] == "pong" and pong["server_time"].endswith("Z")
