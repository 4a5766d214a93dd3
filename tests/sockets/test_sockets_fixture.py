"""The `sockets` fixture: whatever a test leaves open — a socket, a streaming reply — is gone after it."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer

from interview.live.generation import REGISTRY
from interview.live.groups import chat_group
from interview.models import Chat
from tests.factories import ChatFactory
from tests.sockets.helpers import Sockets, frames_until, of_type

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("offline_llm", "memory_layer")]


@pytest.fixture
def slow(offline_llm):
    """The offline interviewer reads its greeting at one word a second: still streaming when the test ends."""
    offline_llm.LLM_OFFLINE_WORDS_PER_SECOND = 1


@database_sync_to_async
def make_chat():
    return ChatFactory(key_questions=[{"question": "What is a Python generator?", "time_limit": 120}])


async def streaming(sockets: Sockets):
    """A chat whose greeting is streaming to an open socket."""
    chat = await make_chat()
    ws, _ = await sockets.connect(f"/ws/interview/{chat.pk}/", chat.user)
    await ws.send_json_to({"type": "interview.start"})
    await frames_until(ws, of_type("assistant.delta"))
    return chat, ws


def members(chat_id: int) -> set[str]:
    return set(get_channel_layer().groups.get(chat_group(chat_id), {}))


async def test_sockets_close_disconnects_an_open_socket(sockets):
    chat = await make_chat()
    ws, _ = await sockets.connect(f"/ws/interview/{chat.pk}/", chat.user)
    await sockets.close()
    assert (ws.future.done(), members(chat.pk)) == (True, set())


async def test_sockets_close_leaves_a_socket_the_test_closed_alone(sockets):
    chat = await make_chat()
    ws, _ = await sockets.connect(f"/ws/interview/{chat.pk}/", chat.user)
    await ws.disconnect()
    await sockets.close()
    assert sockets.communicators == []


@pytest.mark.usefixtures("slow")
async def test_sockets_close_ends_a_streaming_generation(sockets):
    chat, _ = await streaming(sockets)
    task = REGISTRY[chat.pk].task
    await sockets.close()
    assert (task.done(), chat.pk in REGISTRY) == (True, False)


@pytest.mark.usefixtures("slow")
async def test_sockets_close_lets_the_stopped_generation_store_its_text(sockets):
    chat, _ = await streaming(sockets)
    await sockets.close()
    stored = await database_sync_to_async(Chat.objects.get)(pk=chat.pk)
    assert (stored.messages[0]["status"], stored.messages[0]["content"] != "") == ("stopped", True)


@pytest.mark.slow
def test_sockets_fixture_cleans_up_after_a_failing_test(pytester, monkeypatch):
    """A test that fails with a socket open and a reply streaming leaks neither into the next test."""
    pytester.makeconftest("pytest_plugins = ['tests.conftest']\n")
    pytester.makepyfile(
        test_leak=textwrap.dedent(
            """
            import pytest
            from channels.db import database_sync_to_async
            from channels.layers import get_channel_layer

            from interview.live.generation import REGISTRY
            from tests.factories import ChatFactory
            from tests.sockets.helpers import frames_until, of_type

            pytestmark = pytest.mark.django_db(transaction=True)


            async def test_1_fails_while_streaming(connect, offline_llm):
                offline_llm.LLM_OFFLINE_WORDS_PER_SECOND = 1
                chat = await database_sync_to_async(ChatFactory)(
                    key_questions=[{"question": "Why?", "time_limit": 120}]
                )
                ws, _ = await connect(f"/ws/interview/{chat.pk}/", chat.user)
                await ws.send_json_to({"type": "interview.start"})
                await frames_until(ws, of_type("assistant.delta"))
                assert False, "fails with its socket open and its reply streaming"


            def test_2_finds_nothing_left():
                layer = get_channel_layer()
                assert REGISTRY == {}
                chat_groups = {g: set(c) for g, c in layer.groups.items() if c and g.startswith("chat")}
                assert chat_groups == {}
            """
        )
    )
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    for name in ("DATABASE_URL", "REDIS_URL"):  # the child's own SQLite database and in-memory layer
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DJANGO_SETTINGS_MODULE", "live_interview.settings")
    result = pytester.runpytest_subprocess(
        "-p",
        "no:randomly",
        "-p",
        "no:cacheprovider",
        "-o",
        "asyncio_mode=auto",
        "-o",
        "asyncio_default_fixture_loop_scope=function",
        "test_leak.py",
    )
    result.assert_outcomes(passed=1, failed=1)
