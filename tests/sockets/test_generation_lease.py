"""The generation lease: a reply whose process died is found within seconds, made retryable, and the
time it cost is given back; a live generation renewing its lease is never taken over."""

import asyncio
import contextlib
import time
from datetime import UTC, datetime, timedelta

import pytest
from channels.db import database_sync_to_async
from django.utils import timezone

from interview.core.errors import ServiceError
from interview.interviews import services as svc
from interview.interviews import transcript as s
from interview.live.deadlines import WATCHER
from interview.models import Chat
from tests.factories import ChatFactory
from tests.sockets.helpers import frames_until, of_type

T0 = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
LEASE = 6.0
QUESTIONS = [{"question": "One?", "time_limit": 60}, {"question": "Two?", "time_limit": 60}]


@pytest.fixture(autouse=True)
def _lease(settings):
    settings.GENERATION_LEASE_SECONDS = LEASE
    settings.KEY_QUESTION_GRACE_SECONDS = 2.0


def started_chat(at=T0, **kwargs):
    """A chat whose greeting is streaming since `at`, with nobody generating it (its process died)."""
    chat = ChatFactory(key_questions=[dict(q) for q in QUESTIONS], **kwargs)
    turn = svc.interview_start(chat_id=chat.pk, now=at, model_name="m")
    return Chat.objects.select_related("user").get(pk=chat.pk), turn


def answered_chat(at):
    """A chat whose first question was delivered at `at` and answered 5 s later: the reply streams."""
    chat, turn = started_chat(at=at)
    svc.generation_finish(
        chat_id=chat.pk, message_id=turn.message_id, text="Hi. One?", status="complete", usage=None, model="m", now=at
    )
    result = svc.answer_submit(chat_id=chat.pk, client_id="c1", content="An answer.", now=at + timedelta(seconds=5))
    return Chat.objects.get(pk=chat.pk), result.turn


def expire_lease(chat, at):
    Chat.objects.filter(pk=chat.pk).update(generation_lease_until=at)


# --- the lease's writes ------------------------------------------------------------------------


@pytest.mark.django_db
def test_lease_taken_with_the_turn():
    chat, turn = started_chat()
    assert chat.generation_lease_until == T0 + timedelta(seconds=LEASE)
    assert chat.generation_lease_owner == svc.lease_owner(turn.message_id)


@pytest.mark.django_db
def test_lease_renewed_by_partial_save():
    chat, turn = started_chat()
    later = T0 + timedelta(seconds=3)
    assert svc.generation_save_partial(chat_id=chat.pk, message_id=turn.message_id, text="Hel", now=later) is True
    assert Chat.objects.get(pk=chat.pk).generation_lease_until == later + timedelta(seconds=LEASE)


@pytest.mark.django_db
def test_lease_renewal_refused_after_takeover():
    chat, turn = started_chat()
    svc.generation_orphan_recover(chat_id=chat.pk, now=T0 + timedelta(seconds=LEASE + 1))
    later = T0 + timedelta(seconds=LEASE + 2)
    assert svc.generation_lease_renew(chat_id=chat.pk, message_id=turn.message_id, now=later) is False
    assert svc.generation_save_partial(chat_id=chat.pk, message_id=turn.message_id, text="Hel", now=later) is False
    assert Chat.objects.get(pk=chat.pk).generation_lease_until is None


@pytest.mark.django_db
def test_lease_released_by_finish():
    chat, turn = started_chat()
    svc.generation_finish(
        chat_id=chat.pk, message_id=turn.message_id, text="Hi. One?", status="complete", usage=None, model="m", now=T0
    )
    stored = Chat.objects.get(pk=chat.pk)
    assert (stored.generation_lease_until, stored.generation_lease_owner) == (None, "")


@pytest.mark.django_db
def test_finish_after_takeover_keeps_the_failure():
    chat, turn = started_chat()
    svc.generation_orphan_recover(chat_id=chat.pk, now=T0 + timedelta(seconds=LEASE + 1))
    result = svc.generation_finish(
        chat_id=chat.pk, message_id=turn.message_id, text="Late", status="complete", usage=None, model="m", now=T0
    )
    assert result.superseded and Chat.objects.get(pk=chat.pk).messages[0]["status"] == "error"


@pytest.mark.django_db
def test_finish_of_deleted_chat_writes_nothing():
    chat, turn = started_chat()
    Chat.objects.filter(pk=chat.pk).delete()
    result = svc.generation_finish(
        chat_id=chat.pk, message_id=turn.message_id, text="Hi", status="complete", usage=None, model="m", now=T0
    )
    assert result.gone and not Chat.objects.filter(pk=chat.pk).exists()


# --- recovery ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_orphan_recover_leaves_live_lease_alone():
    chat, _ = started_chat()
    assert svc.generation_orphan_recover(chat_id=chat.pk, now=T0 + timedelta(seconds=LEASE - 0.1)) is None
    assert Chat.objects.get(pk=chat.pk).messages[0]["status"] == "streaming"


@pytest.mark.django_db
def test_orphan_recover_makes_reply_retryable():
    chat, _ = started_chat()
    svc.generation_orphan_recover(chat_id=chat.pk, now=T0 + timedelta(seconds=LEASE + 1))
    message = Chat.objects.get(pk=chat.pk).messages[0]
    assert message["status"] == "error" and "Retry" in message["error"]
    retry = svc.generation_retry(chat_id=chat.pk, now=T0 + timedelta(seconds=LEASE + 2))
    assert retry.plan.kind == "opening"


@pytest.mark.django_db
def test_orphan_recover_gives_lost_time_back_to_window():
    ends_at = T0 + timedelta(minutes=30)
    chat, _ = started_chat(ends_at=ends_at)
    svc.generation_save_partial(chat_id=chat.pk, message_id=chat.messages[0]["id"], text="Hel", now=T0)  # alive at T0
    recovery = svc.generation_orphan_recover(chat_id=chat.pk, now=T0 + timedelta(seconds=9))
    assert recovery.lost_seconds == 9
    assert Chat.objects.get(pk=chat.pk).ends_at == ends_at + timedelta(seconds=9)


@pytest.mark.django_db
def test_orphan_recover_gives_lost_time_back_to_running_question():
    # No key question's clock runs during a reply today; a running one would be credited too.
    chat, _ = answered_chat(T0)
    deadline = T0 + timedelta(minutes=2)
    Chat.objects.filter(pk=chat.pk).update(current_question_index=1, question_deadline=deadline)
    recovery = svc.generation_orphan_recover(chat_id=chat.pk, now=T0 + timedelta(seconds=5 + LEASE + 4))
    stored = Chat.objects.get(pk=chat.pk)
    assert recovery.lost_seconds == LEASE + 4
    assert stored.question_deadline == deadline + timedelta(seconds=LEASE + 4)
    assert stored.key_questions[1]["deadline"] == s.iso(stored.question_deadline)


@pytest.mark.django_db
def test_retry_takes_over_expired_lease():
    chat, turn = answered_chat(T0)
    retry = svc.generation_retry(chat_id=chat.pk, now=T0 + timedelta(seconds=5 + LEASE + 1))
    assert retry.recovered.message_id == turn.message_id
    assert [m["status"] for m in Chat.objects.get(pk=chat.pk).messages] == [
        "complete",
        "complete",
        "error",
        "streaming",
    ]


@pytest.mark.django_db
def test_retry_while_lease_is_live_is_busy():
    chat, _ = answered_chat(T0)
    with pytest.raises(ServiceError) as info:
        svc.generation_retry(chat_id=chat.pk, now=T0 + timedelta(seconds=6))
    assert info.value.code == "busy"


# --- detection: the deadline watcher, a connecting socket, a live generation -------------------

live = pytest.mark.django_db(transaction=True)


@database_sync_to_async
def orphan_now(lease_left: float, **kwargs):
    """A streaming greeting whose process died; its lease runs out `lease_left` seconds from now."""
    now = timezone.now()
    chat, turn = started_chat(at=now, **kwargs)
    expire_lease(chat, now + timedelta(seconds=lease_left))
    return chat, turn


@database_sync_to_async
def reload(chat):
    return Chat.objects.get(pk=chat.pk)


@live
@pytest.mark.usefixtures("offline_llm")
async def test_watcher_finds_orphan_within_bound(settings):
    settings.DEADLINE_SWEEP_SECONDS = 2.0
    chat, _ = await orphan_now(0.5)
    started = time.monotonic()
    WATCHER.ensure_started()
    try:
        while (await reload(chat)).messages[0]["status"] == "streaming" and time.monotonic() - started < 10:
            await asyncio.sleep(0.05)
    finally:
        await WATCHER.stop()
    assert (await reload(chat)).messages[0]["status"] == "error"
    assert time.monotonic() - started < 0.5 + settings.DEADLINE_SWEEP_SECONDS + 0.5


@live
@pytest.mark.usefixtures("offline_llm")
async def test_watcher_gives_lost_time_back(settings):
    settings.DEADLINE_SWEEP_SECONDS = 0.1
    ends_at = timezone.now() + timedelta(minutes=30)
    chat, _ = await orphan_now(-1.0, ends_at=ends_at)  # last renewed LEASE + 1 s ago
    WATCHER.ensure_started()
    try:
        while (stored := await reload(chat)).messages[0]["status"] == "streaming":
            await asyncio.sleep(0.05)
    finally:
        await WATCHER.stop()
    credited = (stored.ends_at - ends_at).total_seconds()
    assert LEASE + 1 <= credited < LEASE + 3


@live
@pytest.mark.usefixtures("offline_llm")
async def test_connecting_socket_finds_orphan_and_can_retry(connect, monkeypatch):
    monkeypatch.setattr(WATCHER, "ensure_started", lambda: None)  # only the connection may find it
    chat, turn = await orphan_now(-0.1)
    ws, snapshot = await connect(f"/ws/interview/{chat.pk}/", chat.user)
    await ws.send_json_to({"type": "generation.retry"})
    frames = await frames_until(ws, of_type("question.started"))
    await ws.disconnect()
    assert snapshot["generation"] is None
    assert [(m["id"], m["status"]) for m in snapshot["messages"]] == [(turn.message_id, "error")]
    assert frames[-1]["index"] == 0


async def other_process_sweeps(chat, taken):
    """What another process's watcher does (it does not know this process runs the generation)."""
    while True:
        if await database_sync_to_async(svc.generation_orphan_recover)(chat_id=chat.pk, now=timezone.now()):
            taken.append(True)
        await asyncio.sleep(0.05)


@live
async def test_live_generation_renewing_lease_is_never_taken_over(connect, settings, llm):
    settings.GENERATION_LEASE_SECONDS = 0.6  # renewed every 0.2 s
    llm.configure(text="A reply that takes its time to start.", first_token_delay=1.5, pace=0.05)
    chat = await database_sync_to_async(ChatFactory)(key_questions=[dict(q) for q in QUESTIONS])
    ws, _ = await connect(f"/ws/interview/{chat.pk}/", chat.user)
    taken = []
    sweeper = asyncio.create_task(other_process_sweeps(chat, taken))
    await ws.send_json_to({"type": "interview.start"})
    frames = await frames_until(ws, of_type("assistant.done"), timeout=15)
    sweeper.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await sweeper  # a sweep that failed fails the test
    await ws.disconnect()
    assert frames[-1]["status"] == "complete" and taken == []
    assert (await reload(chat)).messages[0]["status"] == "complete"
