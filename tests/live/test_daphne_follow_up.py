"""A follow-up asked through a real daphne process survives the server's death: a restarted process
expires it from the database with no client connected, and the next key question follows once."""

import asyncio
import json
import time
from datetime import timedelta

import pytest
import websockets
from asgiref.sync import sync_to_async
from django.utils import timezone

from interview.models import Chat
from tests.factories import ChatFactory
from tests.live.server import DaphneProcess, session_cookie

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

GAP = {"follow_up": True, "question": "How did you confirm that the index made the query faster?"}
ENV = {"KEY_QUESTION_GRACE_SECONDS": "0.3", "DEADLINE_SWEEP_SECONDS": "0.5"}


async def frames_until(ws, kind, timeout=10):
    async with asyncio.timeout(timeout):
        while True:
            frame = json.loads(await ws.recv())
            if frame["type"] == kind:
                return frame


@sync_to_async
def make_chat():
    questions = [
        {"question": "How do you fix a slow query?", "time_limit": 120},
        {"question": "Why tests?", "time_limit": 60},
    ]
    chat = ChatFactory(key_questions=questions, max_follow_ups=1)
    return chat, session_cookie(chat.user)


@sync_to_async
def reload(chat):
    return Chat.objects.get(pk=chat.pk)


@sync_to_async
def deadline_in(chat, seconds):
    """Bring the running follow-up's deadline forward (its real limit is a minute), as stored by a dead server."""
    stored = Chat.objects.get(pk=chat.pk)
    deadline = timezone.now() + timedelta(seconds=seconds)
    stored.key_questions[0]["follow_ups"][0]["deadline"] = deadline.isoformat()
    Chat.objects.filter(pk=chat.pk).update(question_deadline=deadline, key_questions=stored.key_questions)


async def test_daphne_follow_up_expires_after_a_restart_with_no_client(llm):
    llm.enqueue_json("follow_up_decision", GAP)
    server = DaphneProcess(env=ENV).start()
    chat, cookie = await make_chat()
    try:
        url = f"{server.ws}/ws/interview/{chat.pk}/"
        async with websockets.connect(url, additional_headers={"Cookie": cookie}, origin=server.http) as ws:
            await ws.recv()
            await ws.send(json.dumps({"type": "interview.start"}))
            await frames_until(ws, "question.started")
            await ws.send(json.dumps({"type": "answer.submit", "id": "c-1", "content": "An index."}))
            started = await frames_until(ws, "question.started")
        server.stop(kill=True)  # the server dies while the follow-up's clock runs
        await deadline_in(chat, 1)
        await asyncio.sleep(1.5)  # its deadline passes with no server at all
        server = DaphneProcess(env=ENV, port=server.port).start()  # start-up settles it; no socket
        until = time.monotonic() + 10
        while (stored := await reload(chat)).current_question_index != 1 and time.monotonic() < until:
            await asyncio.sleep(0.2)
    finally:
        server.stop()
    assert (started["kind"], started["follow_up"]) == ("follow_up", 1)
    assert (
        stored.key_questions[0]["follow_ups"][0]["status"] == "expired" and stored.key_questions[1]["status"] == "asked"
    )
    assert [m.get("kind") for m in stored.messages if m["role"] == "assistant"] == [
        "opening",
        "follow_up",
        "next_question",
    ]
