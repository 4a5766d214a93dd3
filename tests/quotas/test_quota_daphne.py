"""The daily budget across two real server processes: tokens one daphne spends are refused by the other.

Both processes share this run's database (SQLite file or PostgreSQL) and, when REDIS_URL is set, Redis; the quota
is counted from the shared ledger, so no process-local state can let a user past it.
"""

from __future__ import annotations

import asyncio
import json

import pytest
import websockets
from asgiref.sync import sync_to_async

from interview.models import Chat, TokenUsage
from tests.factories import ChatFactory, UserFactory
from tests.live.server import DaphneProcess, session_cookie

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

QUESTIONS = [{"question": "First?", "time_limit": 120}, {"question": "Second?", "time_limit": 120}]


@pytest.fixture
def servers(llm):
    llm.configure(text="Welcome to your interview.", prompt_tokens=321, completion_tokens=17)
    env = {"LLM_DAILY_TOKENS": json.dumps({"candidate": 100})}
    first, second = DaphneProcess(env=env).start(), DaphneProcess(env=env).start()
    yield first, second
    first.stop()
    second.stop()


async def _until(ws, kind, timeout=15):
    async with asyncio.timeout(timeout):
        while True:
            frame = json.loads(await ws.recv())
            if frame["type"] == kind:
                return frame


async def _start(server, chat_id, cookie, kind):
    headers = {"Cookie": cookie}
    url = f"{server.ws}/ws/interview/{chat_id}/"
    async with websockets.connect(url, additional_headers=headers, origin=server.http, open_timeout=5) as ws:
        await _until(ws, "session.snapshot")
        await ws.send(json.dumps({"type": "interview.start"}))
        return await _until(ws, kind)


@sync_to_async
def _two_chats():
    user = UserFactory()
    return ChatFactory(user=user, key_questions=QUESTIONS), ChatFactory(user=user, key_questions=QUESTIONS)


@sync_to_async
def _state(chat):
    return Chat.objects.get(pk=chat.pk).status, TokenUsage.objects.filter(chat=chat).count()


async def test_usage_counted_by_one_process_is_refused_by_the_other(servers):
    first_server, second_server = servers
    first, second = await _two_chats()
    cookie = await sync_to_async(session_cookie)(first.user)

    await _start(first_server, first.pk, cookie, "assistant.done")
    refused = await _start(second_server, second.pk, cookie, "error")

    assert (refused["code"], refused["scope"]) == ("quota_exceeded", "daily")
    assert await _state(first) == (Chat.IN_PROGRESS, 1)
    assert await _state(second) == (Chat.NOT_STARTED, 0)
