"""Observers on another server process: two daphne processes sharing the local Redis."""

import asyncio
import json
import uuid

import pytest
import redis
import websockets
from asgiref.sync import sync_to_async

from interview.models import Chat
from tests.factories import ChatFactory, UserFactory
from tests.live.server import DaphneProcess, session_cookie

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

REDIS_URL = "redis://127.0.0.1:6379/3"
REPLY = " ".join(f"token{i}" for i in range(80))


@pytest.fixture
def two_servers(llm):
    redis.Redis.from_url(REDIS_URL).ping()  # the local Redis every machine runs; a failure here is real
    llm.configure(text=REPLY, pace=0.01)
    env = {"REDIS_URL": REDIS_URL, "CHANNEL_PREFIX": f"test-{uuid.uuid4().hex[:8]}"}
    first, second = DaphneProcess(env=env).start(), DaphneProcess(env=env).start()
    yield first, second
    first.stop()
    second.stop()


@sync_to_async
def _setup():
    chat = ChatFactory(key_questions=[{"question": "Why Redis?", "time_limit": 120}])
    admin = UserFactory(role="admin")
    return chat, session_cookie(chat.user), session_cookie(admin)


async def _collect(ws, until, timeout=15):
    frames = []
    async with asyncio.timeout(timeout):
        while True:
            frame = json.loads(await ws.recv())
            frames.append(frame)
            if frame["type"] == until:
                return frames


def _text(frames, start=""):
    text = start
    for frame in frames:
        if frame["type"] == "assistant.delta":
            assert frame["offset"] == len(text)
            text += frame["text"]
    return text


async def test_observer_on_other_process_sees_same_stream(two_servers):
    first, second = two_servers
    chat, candidate_cookie, admin_cookie = await _setup()
    async with (
        websockets.connect(
            f"{first.ws}/ws/interview/{chat.pk}/", additional_headers={"Cookie": candidate_cookie}, origin=first.http
        ) as candidate,
        websockets.connect(
            f"{second.ws}/ws/observe/{chat.pk}/", additional_headers={"Cookie": admin_cookie}, origin=second.http
        ) as observer,
    ):
        await candidate.recv()
        observed_snapshot = json.loads(await observer.recv())
        await candidate.send(json.dumps({"type": "interview.start"}))
        candidate_frames, observer_frames = await asyncio.gather(
            _collect(candidate, "question.started"), _collect(observer, "question.started")
        )
    stored = (await sync_to_async(Chat.objects.get)(pk=chat.pk)).messages[0]["content"]
    assert observed_snapshot["role"] == "observer"
    assert _text(candidate_frames) == _text(observer_frames) == stored
    assert stored.startswith("token0") and stored.endswith("Why Redis?")
