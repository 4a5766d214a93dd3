"""A chat deleted while its sockets are open, or while a reply streams: clean end, 4404 for everyone."""

import asyncio
import gc
import logging

import pytest
from channels.db import database_sync_to_async

from interview.live.generation import REGISTRY
from interview.models import Chat
from tests.factories import ChatFactory, InvitationFactory
from tests.sockets.helpers import closed_with, frames_until, of_type

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("offline_llm")]


@pytest.fixture
def paced(offline_llm):
    """The offline interviewer reads its greeting slowly: several seconds of streaming."""
    offline_llm.LLM_OFFLINE_WORDS_PER_SECOND = 10
    offline_llm.SOCKET_RECHECK_SECONDS = 60  # the deletion itself must close the sockets


@database_sync_to_async
def invited_chat():
    chat = ChatFactory(key_questions=[{"question": "Tell me about a bug you fixed.", "time_limit": 120}])
    invitation = InvitationFactory(chat=chat, candidate_email=chat.user.email)
    return chat, invitation.interviewer


@database_sync_to_async
def delete(chat):
    Chat.objects.get(pk=chat.pk).delete()


async def deleted_mid_stream(connect, caplog):
    """Start a reply, delete the chat once it streams, wait for the generation to end.

    Returns the chat, its two sockets, whether the generation ended, and the loop's complaints.
    """
    caplog.set_level(logging.WARNING)
    complaints = []
    asyncio.get_running_loop().set_exception_handler(lambda loop, context: complaints.append(context))
    chat, interviewer = await invited_chat()
    candidate, _ = await connect(f"/ws/interview/{chat.pk}/", chat.user)
    observer, _ = await connect(f"/ws/observe/{chat.pk}/", interviewer)
    await candidate.send_json_to({"type": "interview.start"})
    await frames_until(candidate, of_type("assistant.delta"))
    task = REGISTRY[chat.pk].task
    await delete(chat)
    for _ in range(100):
        if task.done():
            break
        await asyncio.sleep(0.05)
    finished = task.done()
    del task
    gc.collect()  # an exception nobody retrieved is reported when its task is collected
    await asyncio.sleep(0)
    return chat, (candidate, observer), finished, complaints


@pytest.mark.usefixtures("paced")
async def test_chat_deleted_mid_stream_closes_sockets_4404(connect, caplog):
    _, (candidate, observer), _, _ = await deleted_mid_stream(connect, caplog)
    assert (await closed_with(candidate), await closed_with(observer)) == (4404, 4404)


@pytest.mark.usefixtures("paced")
async def test_chat_deleted_mid_stream_ends_generation_without_unhandled_errors(connect, caplog):
    _, sockets, finished, complaints = await deleted_mid_stream(connect, caplog)
    for ws in sockets:
        await ws.disconnect()
    assert finished
    assert complaints == []
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR or "never retrieved" in r.getMessage()]


@pytest.mark.usefixtures("paced")
async def test_chat_deleted_mid_stream_is_not_recreated(connect, caplog):
    chat, sockets, _, _ = await deleted_mid_stream(connect, caplog)
    await asyncio.sleep(1.2)  # past the next partial save the generation would have made
    for ws in sockets:
        await ws.disconnect()
    assert not await database_sync_to_async(Chat.objects.filter(pk=chat.pk).exists)()


@pytest.mark.usefixtures("paced")
async def test_chat_deleted_while_idle_closes_sockets_4404(connect):
    chat, interviewer = await invited_chat()
    candidate, _ = await connect(f"/ws/interview/{chat.pk}/", chat.user)
    observer, _ = await connect(f"/ws/observe/{chat.pk}/", interviewer)
    await delete(chat)
    assert (await closed_with(candidate), await closed_with(observer)) == (4404, 4404)
