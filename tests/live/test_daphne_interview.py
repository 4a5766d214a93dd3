"""The interview through a real daphne process over a real socket: auth, origin, the flow, a restart."""

import asyncio
import json
import time

import pytest
import websockets
from asgiref.sync import sync_to_async
from websockets.exceptions import InvalidStatus

from interview.models import Chat
from tests.factories import ChatFactory, UserFactory
from tests.live.server import DaphneProcess, session_cookie

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

REPLY = "Welcome to your interview. We will go through two timed questions."


@pytest.fixture
def daphne(llm):
    llm.configure(text=REPLY)
    server = DaphneProcess(env={"KEY_QUESTION_GRACE_SECONDS": "0.3", "DEADLINE_SWEEP_SECONDS": "0.5"}).start()
    yield server
    server.stop()


def _open(server, chat_id, cookie=None, origin=None, path="interview"):
    headers = {"Cookie": cookie} if cookie else {}
    return websockets.connect(
        f"{server.ws}/ws/{path}/{chat_id}/", additional_headers=headers, origin=origin or server.http, open_timeout=5
    )


async def _frames_until(ws, kind, timeout=10):
    frames = []
    async with asyncio.timeout(timeout):
        while True:
            frame = json.loads(await ws.recv())
            frames.append(frame)
            if frame["type"] == kind:
                return frames


@sync_to_async
def _chat(time_limit=120):
    chat = ChatFactory(
        key_questions=[{"question": "First?", "time_limit": time_limit}, {"question": "Second?", "time_limit": 120}]
    )
    return chat, session_cookie(chat.user)


@sync_to_async
def _reload(chat):
    return Chat.objects.get(pk=chat.pk)


async def test_daphne_full_turn_over_real_socket(daphne):
    chat, cookie = await _chat()
    async with _open(daphne, chat.pk, cookie) as ws:
        snapshot = json.loads(await ws.recv())
        await ws.send(json.dumps({"type": "interview.start"}))
        await _frames_until(ws, "question.started")
        await ws.send(json.dumps({"type": "answer.submit", "id": "a1", "content": "My first answer."}))
        frames = await _frames_until(ws, "question.started")
    stored = (await _reload(chat)).messages
    deltas = "".join(f["text"] for f in frames if f["type"] == "assistant.delta")
    assert snapshot["type"] == "session.snapshot"
    assert stored[1]["content"] == "My first answer." and deltas == stored[2]["content"]
    assert frames[-1]["index"] == 1


async def test_daphne_without_session_closes_4401(daphne):
    chat, _ = await _chat()
    async with _open(daphne, chat.pk) as ws:
        with pytest.raises(websockets.ConnectionClosed) as info:
            await ws.recv()
    assert info.value.rcvd.code == 4401


async def test_daphne_other_user_closes_4403(daphne):
    chat, _ = await _chat()
    stranger_cookie = await sync_to_async(lambda: session_cookie(UserFactory()))()
    async with _open(daphne, chat.pk, stranger_cookie) as ws:
        with pytest.raises(websockets.ConnectionClosed) as info:
            await ws.recv()
    assert info.value.rcvd.code == 4403


async def test_daphne_unknown_chat_closes_4404(daphne):
    _, cookie = await _chat()
    async with _open(daphne, 987654, cookie) as ws:
        with pytest.raises(websockets.ConnectionClosed) as info:
            await ws.recv()
    assert info.value.rcvd.code == 4404


async def test_daphne_refuses_foreign_origin(daphne):
    chat, cookie = await _chat()
    with pytest.raises(InvalidStatus) as info:
        async with _open(daphne, chat.pk, cookie, origin="http://evil.example"):
            pass
    assert info.value.response.status_code == 403


async def test_daphne_expiry_survives_server_restart(llm):
    llm.configure(text=REPLY)
    env = {"KEY_QUESTION_GRACE_SECONDS": "0.3", "DEADLINE_SWEEP_SECONDS": "0.5"}
    server = DaphneProcess(env=env).start()
    chat, cookie = await _chat(time_limit=2)
    try:
        async with _open(server, chat.pk, cookie) as ws:
            json.loads(await ws.recv())
            await ws.send(json.dumps({"type": "interview.start"}))
            await _frames_until(ws, "question.started")
        server.stop(kill=True)  # the server dies while the question's clock runs
        await asyncio.sleep(3)  # the deadline passes with no server at all
        server = DaphneProcess(env=env, port=server.port).start()  # start-up settles it
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            chat_now = await _reload(chat)
            if chat_now.key_questions[0].get("status") == "expired" and chat_now.current_question_index == 1:
                break
            await asyncio.sleep(0.2)
    finally:
        server.stop()
    assert chat_now.key_questions[0]["status"] == "expired"
    assert chat_now.current_question_index == 1 and chat_now.key_questions[1]["status"] == "asked"
    assert sum(1 for m in chat_now.messages if m["role"] == "assistant") == 2  # expired once, not twice
