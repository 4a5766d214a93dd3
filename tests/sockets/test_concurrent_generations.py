"""MAX_CONCURRENT_GENERATIONS_PER_USER over the socket: three interviews of one candidate, two replies at once."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async

from interview.models import Chat
from tests.factories import ChatFactory, UserFactory
from tests.sockets.helpers import frames_until, of_type

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("offline_llm")]

QUESTIONS = [{"question": "What is a Python generator?", "time_limit": 300}]
SLOW = 2  # words a second: a greeting takes long enough to still be written while the test goes on


@database_sync_to_async
def chats_of(user, count: int = 3) -> list[Chat]:
    return [ChatFactory(user=user, key_questions=[dict(q) for q in QUESTIONS]) for _ in range(count)]


@database_sync_to_async
def reload(chat: Chat) -> Chat:
    return Chat.objects.get(pk=chat.pk)


async def start_writing(connect, chat: Chat):
    """Open the chat's socket, start it and wait until its greeting is being streamed."""
    ws, _ = await connect(f"/ws/interview/{chat.pk}/", chat.user)
    await ws.send_json_to({"type": "interview.start"})
    await frames_until(ws, of_type("assistant.delta"))
    return ws


async def stop_and_wait(ws) -> None:
    await ws.send_json_to({"type": "generation.stop"})
    await frames_until(ws, of_type("assistant.done"))


@pytest.fixture
def user(db):
    return UserFactory(username="busy-candidate")


async def test_concurrent_third_start_is_refused_with_a_clear_message(connect, user, settings):
    settings.LLM_OFFLINE_WORDS_PER_SECOND = SLOW
    first, second, third = await chats_of(user)
    await start_writing(connect, first)
    await start_writing(connect, second)
    ws, _ = await connect(f"/ws/interview/{third.pk}/", user)
    await ws.send_json_to({"type": "interview.start"})
    refusal = (await frames_until(ws, of_type("error")))[-1]
    assert refusal["code"] == "too_many_generations"
    assert refusal["message"].startswith("You already have 2 replies being written in other interviews")


async def test_concurrent_refused_start_stores_nothing(connect, user, settings):
    settings.LLM_OFFLINE_WORDS_PER_SECOND = SLOW
    first, second, third = await chats_of(user)
    await start_writing(connect, first)
    await start_writing(connect, second)
    ws, _ = await connect(f"/ws/interview/{third.pk}/", user)
    await ws.send_json_to({"type": "interview.start"})
    await frames_until(ws, of_type("error"))
    stored = await reload(third)
    assert (stored.status, stored.messages, stored.generation_lease_until) == (Chat.NOT_STARTED, [], None)


async def test_concurrent_start_accepted_once_one_reply_ends(connect, user, settings):
    settings.LLM_OFFLINE_WORDS_PER_SECOND = SLOW
    first, second, third = await chats_of(user)
    writing = await start_writing(connect, first)
    await start_writing(connect, second)
    await stop_and_wait(writing)
    ws, _ = await connect(f"/ws/interview/{third.pk}/", user)
    await ws.send_json_to({"type": "interview.start"})
    created = (await frames_until(ws, of_type("message.created")))[-1]
    assert created["message"]["role"] == "assistant"


async def test_concurrent_answer_refused_keeps_nothing_and_names_the_answer(connect, user, settings):
    first, second, third = await chats_of(user)
    ws, _ = await connect(f"/ws/interview/{third.pk}/", user)
    await ws.send_json_to({"type": "interview.start"})
    await frames_until(ws, of_type("question.started"))  # the greeting streams at once
    before = (await reload(third)).messages
    settings.LLM_OFFLINE_WORDS_PER_SECOND = SLOW
    await start_writing(connect, first)
    await start_writing(connect, second)
    await ws.send_json_to({"type": "answer.submit", "id": "c-1", "content": "Lazily yielded values."})
    refusal = (await frames_until(ws, of_type("error")))[-1]
    stored = await reload(third)
    assert (refusal["code"], refusal["client_id"]) == ("too_many_generations", "c-1")
    assert "Your answer was not recorded" in refusal["message"]
    assert stored.messages == before and stored.key_questions[0]["status"] == "asked"


async def test_concurrent_answer_accepted_again_after_a_reply_ends(connect, user, settings):
    first, second, third = await chats_of(user)
    ws, _ = await connect(f"/ws/interview/{third.pk}/", user)
    await ws.send_json_to({"type": "interview.start"})
    await frames_until(ws, of_type("question.started"))
    settings.LLM_OFFLINE_WORDS_PER_SECOND = SLOW
    writing = await start_writing(connect, first)
    await start_writing(connect, second)
    await ws.send_json_to({"type": "answer.submit", "id": "c-1", "content": "Lazily yielded values."})
    await frames_until(ws, of_type("error"))
    await stop_and_wait(writing)
    await ws.send_json_to({"type": "answer.submit", "id": "c-1", "content": "Lazily yielded values."})
    echo = (await frames_until(ws, of_type("message.created", client_id="c-1")))[-1]
    assert echo["message"]["content"] == "Lazily yielded values."


async def test_concurrent_limit_follows_the_setting(connect, user, settings):
    settings.MAX_CONCURRENT_GENERATIONS_PER_USER = 1
    settings.LLM_OFFLINE_WORDS_PER_SECOND = SLOW
    first, second = await chats_of(user, 2)
    await start_writing(connect, first)
    ws, _ = await connect(f"/ws/interview/{second.pk}/", user)
    await ws.send_json_to({"type": "interview.start"})
    refusal = (await frames_until(ws, of_type("error")))[-1]
    assert refusal["message"].startswith("You already have 1 reply being written")


async def test_concurrent_other_users_replies_do_not_count(connect, user, settings):
    settings.MAX_CONCURRENT_GENERATIONS_PER_USER = 1
    settings.LLM_OFFLINE_WORDS_PER_SECOND = SLOW
    (theirs,) = await chats_of(await database_sync_to_async(UserFactory)(), 1)
    (mine,) = await chats_of(user, 1)
    await start_writing(connect, theirs)
    await start_writing(connect, mine)  # streams: not refused
