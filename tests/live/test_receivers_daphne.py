"""A fresh daphne whose only traffic is one interview's socket still reacts to the interview's completion."""

from __future__ import annotations

import asyncio
import json
import socket
import time

import pytest
import websockets
from asgiref.sync import sync_to_async

from interview.models import ExportableReport
from tests.factories import ChatFactory
from tests.live.server import DaphneProcess, session_cookie

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


class SocketOnlyDaphne(DaphneProcess):
    """A daphne waited for by opening a TCP connection, so that it serves no HTTP request at all."""

    def ready(self) -> bool:
        socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
        return True


async def _frames_until(ws, kind, timeout=15):
    async with asyncio.timeout(timeout):
        while json.loads(await ws.recv())["type"] != kind:
            pass


@sync_to_async
def _one_question_chat():
    chat = ChatFactory(key_questions=[{"question": "Why this role?", "time_limit": 120}])
    return chat, session_cookie(chat.user)


@sync_to_async
def _report_exists(chat) -> bool:
    return ExportableReport.objects.filter(chat=chat).exists()


@pytest.mark.usefixtures("offline_llm")
async def test_daphne_socket_only_process_requests_report_on_completion():
    chat, cookie = await _one_question_chat()
    server = SocketOnlyDaphne().start()
    try:
        url = f"{server.ws}/ws/interview/{chat.pk}/"
        async with websockets.connect(url, additional_headers={"Cookie": cookie}, origin=server.http) as ws:
            await _frames_until(ws, "session.snapshot")
            await ws.send(json.dumps({"type": "interview.start"}))
            await _frames_until(ws, "question.started")
            await ws.send(json.dumps({"type": "answer.submit", "id": "a1", "content": "I like the team."}))
            await _frames_until(ws, "interview.completed")
        deadline = time.monotonic() + 10
        while not await _report_exists(chat) and time.monotonic() < deadline:
            await asyncio.sleep(0.2)
    finally:
        server.stop()
    assert await _report_exists(chat)
