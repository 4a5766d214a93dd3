"""An observer steering a live interview over the socket: probes, skip, pause and resume, and their refusals."""

from datetime import timedelta

import pytest
from channels.db import database_sync_to_async
from django.utils import timezone

from interview.live.groups import chat_group
from interview.models import Chat
from tests.factories import ChatFactory, InvitationFactory
from tests.sockets.helpers import frames_until, of_type

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("offline_llm", "generations")]

KEY = [
    {"question": "How do you find and fix a slow database query?", "time_limit": 120},
    {"question": "Describe how you review someone else's code.", "time_limit": 120},
]
COMPLETE = (
    "I start from the slow query log, read the plan with EXPLAIN ANALYZE, add the missing index on the "
    "orders table, and check the plan again; the report went from nine seconds to two hundred milliseconds."
)
PROBE = "Which index exactly, and why that column order?"


@database_sync_to_async
def invited_chat(**fields):
    chat = ChatFactory(key_questions=[dict(q) for q in KEY], max_follow_ups=0, **fields)
    invitation = InvitationFactory(chat=chat, candidate_email=chat.user.email)
    interviewer = invitation.interviewer
    interviewer.first_name, interviewer.last_name = "Ada", "Lovelace"
    interviewer.save()
    return chat, interviewer


@database_sync_to_async
def reload(chat):
    return Chat.objects.get(pk=chat.pk)


@database_sync_to_async
def update(chat, **fields):
    Chat.objects.filter(pk=chat.pk).update(**fields)


async def live(connect):
    """A started interview (key question 0 running), its candidate socket and an observer socket."""
    chat, interviewer = await invited_chat()
    candidate, _ = await connect(f"/ws/interview/{chat.pk}/", chat.user)
    await candidate.send_json_to({"type": "interview.start"})
    await frames_until(candidate, of_type("question.started"))
    observer, _ = await connect(f"/ws/observe/{chat.pk}/", interviewer)
    return chat, candidate, observer


async def send(ws, frame, until):
    await ws.send_json_to(frame)
    return await frames_until(ws, until if callable(until) else of_type(until))


async def answer(ws, client_id, content, until="question.started"):
    return await send(ws, {"type": "answer.submit", "id": client_id, "content": content}, until)


@database_sync_to_async
def idle_chat():
    """Key question 0 answered and the reply after it failed: no clock runs, nothing streams."""
    now = timezone.now()
    chat = ChatFactory(
        status=Chat.IN_PROGRESS,
        started_at=now,
        max_follow_ups=0,
        current_question_index=0,
        key_questions=[{**KEY[0], "status": "answered"}, {**KEY[1], "status": "pending"}],
        messages=[
            {"id": "m-a", "role": "user", "content": "An index.", "status": "complete", "question_index": 0},
            {"id": "m-e", "role": "assistant", "content": "", "status": "error", "kind": "next_question"},
        ],
    )
    return chat, InvitationFactory(chat=chat, candidate_email=chat.user.email).interviewer


# Probes


async def test_probe_is_queued_while_the_candidate_answers(connect):
    chat, _candidate, observer = await live(connect)
    frame = (await send(observer, {"type": "observer.probe", "content": PROBE}, "probe.queued"))[-1]
    stored = await reload(chat)
    assert (frame["probe"]["content"], frame["probe"]["asked_by"], frame["probe"]["index"]) == (
        PROBE,
        "Ada Lovelace",
        0,
    )
    assert (len(stored.probes), stored.current_follow_up) == (1, None)


async def test_probe_is_asked_verbatim_after_the_current_answer(connect):
    _chat, candidate, observer = await live(connect)
    await send(observer, {"type": "observer.probe", "content": PROBE}, "probe.queued")
    frames = await answer(candidate, "c-1", COMPLETE)
    created = [f["message"] for f in frames if f["type"] == "message.created" and f["message"]["role"] == "assistant"]
    started = frames[-1]
    assert [m["content"] for m in created] == [PROBE]
    assert (started["kind"], started["source"], started["asked_by"], started["question"], started["index"]) == (
        "follow_up", "observer", "Ada Lovelace", PROBE, 0,
    )  # fmt: skip


async def test_probe_is_stored_as_the_observers_follow_up(connect):
    chat, candidate, observer = await live(connect)
    await send(observer, {"type": "observer.probe", "content": PROBE}, "probe.queued")
    await answer(candidate, "c-1", COMPLETE)
    stored = await reload(chat)
    message, item = stored.messages[-1], stored.key_questions[0]["follow_ups"][0]
    assert (message["kind"], message["source"], message["asked_by"], message["status"]) == (
        "follow_up", "observer", "Ada Lovelace", "complete",
    )  # fmt: skip
    assert (item["question"], item["source"], item["asked_by"], item["time_limit"], stored.probes) == (
        PROBE, "observer", "Ada Lovelace", 60, [],
    )  # fmt: skip


async def test_probe_asked_is_sent_to_observers(connect):
    _chat, candidate, observer = await live(connect)
    queued = (await send(observer, {"type": "observer.probe", "content": PROBE}, "probe.queued"))[-1]
    await answer(candidate, "c-1", COMPLETE)
    asked = (await frames_until(observer, of_type("probe.asked")))[-1]
    assert (asked["id"], asked["index"], asked["follow_up"]) == (queued["probe"]["id"], 0, 1)


async def test_probe_answered_moves_on_to_the_next_key_question(connect):
    _chat, candidate, observer = await live(connect)
    await send(observer, {"type": "observer.probe", "content": PROBE}, "probe.queued")
    await answer(candidate, "c-1", COMPLETE)
    started = (await answer(candidate, "c-2", COMPLETE))[-1]
    assert (started["kind"], started["index"]) == ("key", 1)


async def test_probe_is_asked_at_once_when_the_candidate_is_idle(connect):
    chat, interviewer = await idle_chat()
    observer, _ = await connect(f"/ws/observe/{chat.pk}/", interviewer)
    frames = await send(observer, {"type": "observer.probe", "content": PROBE}, "question.started")
    assert (frames[-1]["kind"], frames[-1]["question"], frames[-1]["follow_up"]) == ("follow_up", PROBE, 1)


async def test_probe_limit_refuses_a_fourth(connect):
    chat, _candidate, observer = await live(connect)
    for n in range(3):
        await send(observer, {"type": "observer.probe", "content": f"{PROBE} ({n})"}, "probe.queued")
    frame = (await send(observer, {"type": "observer.probe", "content": PROBE}, "error"))[-1]
    assert (frame["code"], len((await reload(chat)).probes)) == ("probe_limit", 3)


@pytest.mark.parametrize("content", ["", "   ", "x" * 501, 42])
async def test_probe_bad_content_is_invalid(connect, content):
    chat, _candidate, observer = await live(connect)
    frame = (await send(observer, {"type": "observer.probe", "content": content}, "error"))[-1]
    assert (frame["code"], (await reload(chat)).probes) == ("invalid", [])


async def test_probe_snapshot_lists_pending_probes_for_observers_only(connect):
    chat, _candidate, observer = await live(connect)
    await send(observer, {"type": "observer.probe", "content": PROBE}, "probe.queued")
    _, watching = await connect(f"/ws/observe/{chat.pk}/", (await invited_observer(chat)))
    _, candidate_view = await connect(f"/ws/interview/{chat.pk}/", chat.user)
    assert ([p["content"] for p in watching["probes"]], "probes" in candidate_view) == ([PROBE], False)


@database_sync_to_async
def invited_observer(chat):
    return chat.invitation.interviewer


# Skip


async def test_skip_key_question_records_it_skipped_and_moves_on(connect):
    chat, _candidate, observer = await live(connect)
    frames = await send(observer, {"type": "question.skip"}, "question.started")
    stored = await reload(chat)
    assert [f["type"] for f in frames if f["type"].startswith("question.")] == [
        "question.expired", "question.skipped", "question.started",
    ]  # fmt: skip
    assert (stored.key_questions[0]["status"], frames[-1]["index"], frames[-1]["kind"]) == ("skipped", 1, "key")


async def test_skip_follow_up_records_it_skipped_and_moves_on(connect):
    chat, candidate, observer = await live(connect)
    await send(observer, {"type": "observer.probe", "content": PROBE}, "probe.queued")
    await answer(candidate, "c-1", COMPLETE)
    await frames_until(observer, of_type("probe.asked"))
    frames = await send(observer, {"type": "question.skip"}, "question.started")
    skipped = next(f for f in frames if f["type"] == "question.skipped")
    stored = await reload(chat)
    assert (skipped["kind"], skipped["follow_up"], skipped["by"]) == ("follow_up", 1, "Ada Lovelace")
    assert (stored.key_questions[0]["follow_ups"][0]["status"], stored.key_questions[0]["status"]) == (
        "skipped", "answered",
    )  # fmt: skip
    assert (frames[-1]["kind"], frames[-1]["index"]) == ("key", 1)


# Pause and resume


async def test_pause_reaches_everyone_with_who_and_why(connect):
    chat, candidate, observer = await live(connect)
    await observer.send_json_to({"type": "interview.pause", "reason": "Connection dropped"})
    frame = (await frames_until(candidate, of_type("interview.paused")))[-1]
    stored = await reload(chat)
    assert (frame["by"], frame["reason"], stored.pauses[0]["by_name"], stored.paused_at is not None) == (
        "Ada Lovelace", "Connection dropped", "Ada Lovelace", True,
    )  # fmt: skip


async def test_answer_while_paused_is_refused(connect):
    chat, candidate, observer = await live(connect)
    await send(observer, {"type": "interview.pause"}, "interview.paused")
    frame = (await answer(candidate, "c-1", COMPLETE, until="error"))[-1]
    stored = await reload(chat)
    assert (frame["code"], stored.key_questions[0]["status"]) == ("paused", "asked")


async def test_resume_moves_the_deadline_and_window_by_the_pause(connect):
    chat, _candidate, observer = await live(connect)
    ends_at = timezone.now() + timedelta(minutes=30)
    await update(chat, ends_at=ends_at)
    await send(observer, {"type": "interview.pause"}, "interview.paused")
    before = await reload(chat)
    await update(chat, paused_at=before.paused_at - timedelta(seconds=40))  # as if paused 40 s ago
    frame = (await send(observer, {"type": "interview.resume"}, "interview.resumed"))[-1]
    after = await reload(chat)
    moved = (after.question_deadline - before.question_deadline).total_seconds()
    assert 40 <= moved < 45
    assert 40 <= (after.ends_at - ends_at).total_seconds() < 45
    assert (frame["index"], frame["deadline"], after.paused_at) == (0, after.key_questions[0]["deadline"], None)


async def test_resume_records_how_long_the_pause_lasted(connect):
    chat, _candidate, observer = await live(connect)
    await send(observer, {"type": "interview.pause", "reason": "Technical problem"}, "interview.paused")
    await send(observer, {"type": "interview.resume"}, "interview.resumed")
    pause = (await reload(chat)).pauses[0]
    assert (pause["reason"], pause["auto"], pause["ended_at"] is not None, pause["seconds"] >= 0) == (
        "Technical problem", False, True, True,
    )  # fmt: skip


async def test_watcher_expires_nothing_while_paused(connect, settings, listen, watcher):
    settings.KEY_QUESTION_GRACE_SECONDS = 0
    settings.DEADLINE_SWEEP_SECONDS = 0.05
    chat, _candidate, observer = await live(connect)
    await send(observer, {"type": "interview.pause"}, "interview.paused")
    await update(chat, question_deadline=timezone.now() - timedelta(seconds=5))
    group = await listen(chat_group(chat.pk))
    watcher.poke()
    assert await group.nothing(timeout=0.5)
    assert (await reload(chat)).key_questions[0]["status"] == "asked"


async def test_pause_ends_by_itself_after_pause_max_seconds(settings, listen, watcher):
    settings.PAUSE_MAX_SECONDS = 1
    settings.DEADLINE_SWEEP_SECONDS = 0.05
    now = timezone.now()
    chat, _ = await invited_chat(
        status=Chat.IN_PROGRESS, started_at=now, current_question_index=0, question_started_at=now,
        question_deadline=now + timedelta(seconds=120), paused_at=now,
        pauses=[{"by": 1, "by_name": "Ada Lovelace", "reason": "", "started_at": now.isoformat(), "ended_at": None}],
    )  # fmt: skip
    group = await listen(chat_group(chat.pk))
    watcher.poke()
    frame = (await group.frames_until("interview.resumed", timeout=5))[-1]
    stored = await reload(chat)
    assert (frame["type"], frame["reason"], stored.paused_at, stored.pauses[0]["auto"]) == (
        "interview.resumed", "auto", None, True,
    )  # fmt: skip
    assert stored.pauses[0]["seconds"] >= 1  # not before PAUSE_MAX_SECONDS


# Refusals


@pytest.mark.parametrize(
    "frame",
    [
        {"type": "observer.probe", "content": PROBE},
        {"type": "question.skip"},
        {"type": "interview.pause"},
        {"type": "interview.resume"},
    ],
)
async def test_steering_from_the_candidate_socket_is_forbidden(connect, frame):
    chat, candidate, _observer = await live(connect)
    error = (await send(candidate, frame, "error"))[-1]
    stored = await reload(chat)
    assert (error["code"], stored.probes, stored.paused_at, stored.key_questions[0]["status"]) == (
        "forbidden", [], None, "asked",
    )  # fmt: skip


@pytest.mark.parametrize("kind", ["question.skip", "interview.pause", "observer.probe"])
async def test_steering_a_finished_interview_is_refused(connect, kind):
    chat, interviewer = await invited_chat(status=Chat.COMPLETED, current_question_index=0)
    observer, _ = await connect(f"/ws/observe/{chat.pk}/", interviewer)
    frame = (await send(observer, {"type": kind, "content": PROBE}, "error"))[-1]
    stored = await reload(chat)
    assert (frame["code"], stored.paused_at, stored.probes) == ("completed", None, [])


async def test_resume_when_not_paused_is_refused(connect):
    chat, _candidate, observer = await live(connect)
    frame = (await send(observer, {"type": "interview.resume"}, "error"))[-1]
    assert (frame["code"], (await reload(chat)).pauses) == ("not_paused", [])


async def test_pause_while_paused_is_refused(connect):
    chat, _candidate, observer = await live(connect)
    await send(observer, {"type": "interview.pause"}, "interview.paused")
    frame = (await send(observer, {"type": "interview.pause"}, "error"))[-1]
    assert (frame["code"], len((await reload(chat)).pauses)) == ("paused", 1)


async def test_pause_reason_too_long_is_invalid(connect):
    chat, _candidate, observer = await live(connect)
    frame = (await send(observer, {"type": "interview.pause", "reason": "x" * 201}, "error"))[-1]
    assert (frame["code"], (await reload(chat)).paused_at) == ("invalid", None)


async def test_skip_with_no_question_running_is_invalid(connect):
    chat, interviewer = await idle_chat()
    observer, _ = await connect(f"/ws/observe/{chat.pk}/", interviewer)
    frame = (await send(observer, {"type": "question.skip"}, "error"))[-1]
    assert (frame["code"], (await reload(chat)).key_questions[1]["status"]) == ("invalid", "pending")
