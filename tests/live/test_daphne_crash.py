"""A server killed (SIGKILL) in the middle of a reply: another process finds it within 10 s, offers a
retry and gives the lost time back to the interview's window."""

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

REPLY = " ".join(f"word{i}" for i in range(300))  # 30 s at the pace below: still streaming when killed


async def frames_until(ws, predicate, timeout=10):
    async with asyncio.timeout(timeout):
        while True:
            frame = json.loads(await ws.recv())
            if predicate(frame):
                return frame


def open_socket(server, chat_id, cookie):
    return websockets.connect(
        f"{server.ws}/ws/interview/{chat_id}/", additional_headers={"Cookie": cookie}, origin=server.http
    )


@sync_to_async
def invited_chat(ends_at):
    chat = ChatFactory(key_questions=[{"question": "First?", "time_limit": 120}], ends_at=ends_at)
    return chat, session_cookie(chat.user)


@sync_to_async
def reload(chat):
    return Chat.objects.get(pk=chat.pk)


async def test_daphne_killed_mid_reply_is_recovered_within_10_seconds(llm):
    llm.configure(text=REPLY, pace=0.1)
    ends_at = timezone.now() + timedelta(minutes=30)
    chat, cookie = await invited_chat(ends_at)
    server = DaphneProcess().start()  # the default lease and sweep
    try:
        async with open_socket(server, chat.pk, cookie) as ws:
            await ws.recv()  # the snapshot
            await ws.send(json.dumps({"type": "interview.start"}))
            await frames_until(ws, lambda f: f["type"] == "assistant.delta" and f["offset"] > 0)
            server.stop(kill=True)
        killed = time.monotonic()
        server = DaphneProcess(port=server.port).start()  # its health check starts the watcher; no socket
        while (stored := await reload(chat)).messages[0]["status"] == "streaming" and time.monotonic() - killed < 15:
            await asyncio.sleep(0.1)
        found_after = time.monotonic() - killed
        async with open_socket(server, chat.pk, cookie) as ws:
            snapshot = json.loads(await ws.recv())
            await ws.send(json.dumps({"type": "generation.retry"}))
            created = await frames_until(ws, lambda f: f["type"] == "message.created")
            await ws.send(json.dumps({"type": "generation.stop"}))
            await frames_until(ws, lambda f: f["type"] == "assistant.done")
    finally:
        server.stop()
    assert stored.messages[0]["status"] == "error" and found_after < 10
    assert snapshot["messages"][0]["status"] == "error" and created["message"]["status"] == "streaming"
    assert timedelta(seconds=1) < stored.ends_at - ends_at < timedelta(seconds=15)
