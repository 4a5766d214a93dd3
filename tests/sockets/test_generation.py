"""A generation on its own (interview/live/generation.py): deltas coalesced into frames, partial saves, stop, done.

Driven through its public entry points (`generation_launch`, `generation_stop`, the control group),
with the real openai client against the fake server and a listener in the chat's group.
"""

from __future__ import annotations

import asyncio

import pytest
from channels.db import database_sync_to_async
from django.utils import timezone

from interview.interviews.services import interview_start
from interview.live.generation import REGISTRY, generation_launch, generation_stop
from interview.live.groups import chat_group, control_send
from interview.models import Chat
from tests.factories import ChatFactory
from tests.fakes.openai_server import split_tokens

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("generations")]

QUESTION = "What is a Python generator?"
REPLY = "Welcome to the interview. We will start with a question about Python, then move on to code review."


@database_sync_to_async
def started_turn():
    """A chat whose opening turn is stored (its placeholder streaming), ready to generate."""
    chat = ChatFactory(key_questions=[{"question": QUESTION, "time_limit": 120}])
    return interview_start(chat_id=chat.pk, now=timezone.now(), model_name="gpt-4o-mini")


@database_sync_to_async
def stored_message(chat_id, message_id):
    return next(m for m in Chat.objects.get(pk=chat_id).messages if m["id"] == message_id)


async def launched(listen, **reply):
    """Launch the opening turn with the fake server answering `reply`; return the turn and a chat listener."""
    turn = await started_turn()
    chat = await listen(chat_group(turn.chat_id))
    generation_launch(turn)
    return turn, chat


def deltas(frames):
    return [frame for frame in frames if frame["type"] == "assistant.delta"]


async def test_generation_coalesces_deltas_into_fewer_frames(llm, listen, settings):
    settings.STREAM_COALESCE_MS = 1000
    llm.configure(text=REPLY, pace=0.02)  # a token every 20 ms: a frame each, were they not coalesced
    _, chat = await launched(listen)
    frames = await chat.frames_until("assistant.done")
    assert 0 < len(deltas(frames)) <= 3 < len(split_tokens(REPLY))


async def test_generation_frames_continue_each_other_and_join_to_the_stored_text(llm, listen, settings):
    settings.STREAM_COALESCE_MS = 5
    llm.configure(text=REPLY, pace=0.01)
    turn, chat = await launched(listen)
    frames = deltas(await chat.frames_until("assistant.done"))
    offsets = [frame["offset"] for frame in frames]
    lengths = [0] + [len(frame["text"]) for frame in frames]
    assert offsets == [sum(lengths[: i + 1]) for i in range(len(frames))]
    assert (
        "".join(frame["text"] for frame in frames) == (await stored_message(turn.chat_id, turn.message_id))["content"]
    )


async def test_generation_done_frame_closes_the_message_then_starts_the_question(llm, listen):
    llm.configure(text=REPLY, prompt_tokens=50, completion_tokens=20)
    turn, chat = await launched(listen)
    frames = await chat.frames_until("question.started")
    done = next(frame for frame in frames if frame["type"] == "assistant.done")
    text = "".join(frame["text"] for frame in deltas(frames))
    assert (done["message_id"], done["status"], done["length"], done["usage"]["completion_tokens"]) == (
        turn.message_id,
        "complete",
        len(text),
        20,
    )
    assert [frame["type"] for frame in frames[-2:]] == ["assistant.done", "question.started"]


async def test_generation_saves_partial_text_while_streaming(llm, listen, settings):
    settings.STREAM_SAVE_INTERVAL_SECONDS = 0.2
    llm.configure(text=REPLY, pace=0.1)
    turn, chat = await launched(listen)
    await chat.frames_until("assistant.delta")
    await asyncio.sleep(0.8)
    message = await stored_message(turn.chat_id, turn.message_id)
    assert (message["status"], message["content"] != "") == ("streaming", True)


async def test_generation_saves_nothing_before_the_save_interval(llm, listen, settings):
    settings.STREAM_SAVE_INTERVAL_SECONDS = 60
    llm.configure(text=REPLY, pace=0.1)
    turn, chat = await launched(listen)
    await chat.frames_until("assistant.delta")
    await asyncio.sleep(0.8)
    assert (await stored_message(turn.chat_id, turn.message_id))["content"] == ""


async def test_generation_stop_keeps_the_partial_text_as_stopped(llm, listen):
    llm.configure(text=REPLY, pace=0.1)
    turn, chat = await launched(listen)
    await chat.frames_until("assistant.delta")
    await generation_stop(turn.chat_id)
    frames = await chat.frames_until("assistant.done")
    message = await stored_message(turn.chat_id, turn.message_id)
    assert (frames[-1]["status"], message["status"]) == ("stopped", "stopped")
    streamed = message["content"].split("\n\n", 1)[0]  # then the question block, added after any stop
    assert REPLY.startswith(streamed) and len(streamed) < len(REPLY)


async def test_generation_stops_on_a_stop_sent_to_its_control_group(llm, listen):
    llm.configure(text=REPLY, pace=0.1)
    turn, chat = await launched(listen)
    await chat.frames_until("assistant.delta")
    await control_send(turn.chat_id, {"type": "generation.stop", "message_id": turn.message_id})
    assert (await chat.frames_until("assistant.done"))[-1]["status"] == "stopped"


async def test_generation_leaves_the_registry_when_done(llm, listen):
    llm.configure(text=REPLY)
    turn, chat = await launched(listen)
    task = REGISTRY[turn.chat_id].task
    await chat.frames_until("assistant.done")
    await asyncio.wait_for(task, 5)
    assert turn.chat_id not in REGISTRY


async def test_generation_upstream_failure_ends_as_error_with_retryable_frame(llm, listen):
    llm.configure(status=500, error_message="upstream broke")
    _, chat = await launched(listen)
    frames = await chat.frames_until("error")
    assert (frames[-2]["type"], frames[-2]["status"], frames[-1]["retryable"]) == ("assistant.done", "error", True)
