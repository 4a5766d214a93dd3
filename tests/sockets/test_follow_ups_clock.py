"""A follow-up's own clock, with the offline interviewer's rules: answered in time, in grace, expired by the
deadline watcher with no client connected, settled from the stored state after a restart, extended, ended."""

from datetime import timedelta

import pytest
from channels.db import database_sync_to_async
from django.utils import timezone

from interview.live.deadlines import chat_settle
from interview.live.groups import chat_group
from interview.llm.offline import FOLLOW_UP_EXAMPLE, FOLLOW_UP_OUTCOME
from interview.models import Chat
from tests.factories import ChatFactory, UserFactory
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


@database_sync_to_async
def make_chat(max_follow_ups=1):
    return ChatFactory(key_questions=[dict(q) for q in KEY], max_follow_ups=max_follow_ups)


@database_sync_to_async
def reload(chat):
    return Chat.objects.get(pk=chat.pk)


@database_sync_to_async
def running_follow_up_chat(deadline, *, number=1):
    """An interview whose first key question was answered and whose follow-up runs out at `deadline`,
    as a server process that has since died left it in the database."""
    asked = deadline - timedelta(seconds=60)
    answer = {"id": "m-a", "role": "user", "content": "An index.", "status": "complete", "question_index": 0}
    follow_up = {
        "id": "m-f",
        "role": "assistant",
        "content": FOLLOW_UP_EXAMPLE,
        "status": "complete",
        "kind": "follow_up",
        "question_index": 0,
        "follow_up": number,
        "source": "offline",
    }
    first = {**KEY[0], "status": "answered", "answer_message_id": "m-a"}
    first["follow_ups"] = [
        {"number": number, "question": FOLLOW_UP_EXAMPLE, "source": "offline", "asked_by": None, "status": "asked",
         "time_limit": 60, "asked_at": asked.isoformat(), "deadline": deadline.isoformat()}
    ]  # fmt: skip
    return ChatFactory(
        status=Chat.IN_PROGRESS,
        started_at=asked,
        max_follow_ups=1,
        current_question_index=0,
        current_follow_up=number,
        question_started_at=asked,
        question_deadline=deadline,
        key_questions=[first, {**KEY[1], "status": "pending"}],
        messages=[answer, follow_up],
    )


async def started(connect, chat):
    ws, _ = await connect(f"/ws/interview/{chat.pk}/", chat.user)
    await ws.send_json_to({"type": "interview.start"})
    await frames_until(ws, of_type("question.started"))
    return ws


async def answer(ws, client_id, content, until="question.started"):
    await ws.send_json_to({"type": "answer.submit", "id": client_id, "content": content})
    return await frames_until(ws, of_type(until))


async def test_offline_short_answer_gets_the_example_follow_up(connect):
    chat = await make_chat()
    ws = await started(connect, chat)
    frame = (await answer(ws, "c-1", "An index."))[-1]
    assert (frame["kind"], frame["source"], frame["question"], frame["follow_up"]) == (
        "follow_up",
        "offline",
        FOLLOW_UP_EXAMPLE,
        1,
    )


async def test_offline_follow_up_message_is_labelled_offline(connect):
    chat = await make_chat()
    ws = await started(connect, chat)
    await answer(ws, "c-1", "An index.")
    message = (await reload(chat)).messages[-1]
    assert (message["content"], message["kind"], message["source"]) == (FOLLOW_UP_EXAMPLE, "follow_up", "offline")


async def test_offline_complete_answer_gets_no_follow_up(connect):
    chat = await make_chat()
    ws = await started(connect, chat)
    frame = (await answer(ws, "c-1", COMPLETE))[-1]
    assert (frame["kind"], frame["index"]) == ("key", 1)


async def test_offline_policy_zero_asks_nothing(connect):
    chat = await make_chat(max_follow_ups=0)
    ws = await started(connect, chat)
    frame = (await answer(ws, "c-1", "An index."))[-1]
    assert (frame["kind"], frame["index"]) == ("key", 1)


async def test_offline_policy_three_uses_each_rule_once(connect):
    chat = await make_chat(max_follow_ups=3)
    ws = await started(connect, chat)
    asked = [(await answer(ws, f"c-{n}", "Short again."))[-1].get("question") for n in range(3)]
    assert asked == [FOLLOW_UP_EXAMPLE, FOLLOW_UP_OUTCOME, KEY[1]["question"]]


async def test_snapshot_shows_the_running_follow_up(connect):
    chat = await make_chat()
    ws = await started(connect, chat)
    await answer(ws, "c-1", "An index.")
    await ws.disconnect()
    _, snapshot = await connect(f"/ws/interview/{chat.pk}/", chat.user)
    question = snapshot["question"]
    assert (question["kind"], question["index"], question["parent_index"], question["follow_up"]) == (
        "follow_up",
        0,
        0,
        1,
    )
    assert (question["time_limit"], question["source"], question["question"]) == (60, "offline", FOLLOW_UP_EXAMPLE)


async def test_snapshot_lists_follow_ups_after_their_key_question(connect):
    chat = await make_chat()
    ws = await started(connect, chat)
    await answer(ws, "c-1", "An index.")
    _, snapshot = await connect(f"/ws/interview/{chat.pk}/", chat.user)
    listed = [(q["index"], q["kind"], q.get("follow_up"), q["status"]) for q in snapshot["interview"]["questions"]]
    assert listed == [(0, "key", None, "answered"), (0, "follow_up", 1, "asked"), (1, "key", None, "pending")]


async def test_snapshot_messages_mark_the_follow_up_and_its_answer(connect):
    chat = await make_chat()
    ws = await started(connect, chat)
    await answer(ws, "c-1", "An index.")
    await answer(ws, "c-2", COMPLETE)
    _, snapshot = await connect(f"/ws/interview/{chat.pk}/", chat.user)
    marked = [(m["role"], m.get("kind"), m.get("follow_up")) for m in snapshot["messages"]][1:4]
    assert marked == [("user", None, None), ("assistant", "follow_up", 1), ("user", None, 1)]


async def test_follow_up_answer_in_grace_is_accepted(connect, settings):
    settings.KEY_QUESTION_GRACE_SECONDS = 30
    chat = await running_follow_up_chat(timezone.now() - timedelta(seconds=1))
    ws, _ = await connect(f"/ws/interview/{chat.pk}/", chat.user)
    frame = (await answer(ws, "c-1", COMPLETE))[-1]
    stored = await reload(chat)
    assert (frame["kind"], frame["index"], stored.key_questions[0]["follow_ups"][0]["status"]) == ("key", 1, "answered")


async def test_follow_up_expires_with_no_client_connected(settings, listen, watcher):
    settings.KEY_QUESTION_GRACE_SECONDS = 0.1
    settings.DEADLINE_SWEEP_SECONDS = 0.05
    chat = await running_follow_up_chat(timezone.now() + timedelta(seconds=0.3))
    group = await listen(chat_group(chat.pk))
    watcher.poke()
    frames = await group.frames_until("question.started", timeout=10)
    expired = next(f for f in frames if f["type"] == "question.expired")
    assert (expired["kind"], expired["index"], expired["parent_index"], expired["follow_up"]) == ("follow_up", 0, 0, 1)
    assert (frames[-1]["kind"], frames[-1]["index"]) == ("key", 1)


async def test_follow_up_expiry_is_recorded_once_and_never_followed_up(settings, listen, watcher):
    settings.KEY_QUESTION_GRACE_SECONDS = 0
    settings.DEADLINE_SWEEP_SECONDS = 0.05
    chat = await running_follow_up_chat(timezone.now() - timedelta(seconds=5))
    group = await listen(chat_group(chat.pk))
    watcher.poke()
    await group.frames_until("question.started", timeout=10)
    stored = await reload(chat)
    follow_up = stored.key_questions[0]["follow_ups"][0]
    assert (follow_up["status"], stored.key_questions[0]["status"], len(stored.key_questions[0]["follow_ups"])) == (
        "expired",
        "answered",
        1,
    )
    assert (stored.current_question_index, stored.current_follow_up, stored.key_questions[1]["status"]) == (
        1,
        None,
        "asked",
    )


async def test_follow_up_overdue_after_a_restart_is_settled_from_the_database(settings, listen, watcher):
    # The row is all there is: no generation, no socket, a watcher started fresh on this loop (a new process).
    settings.KEY_QUESTION_GRACE_SECONDS = 0.1
    settings.DEADLINE_SWEEP_SECONDS = 0.05
    chat = await running_follow_up_chat(timezone.now() - timedelta(minutes=10))
    group = await listen(chat_group(chat.pk))
    frames = await group.frames_until("question.started", timeout=10)
    assert (frames[0]["type"], frames[-1]["index"]) == ("question.expired", 1)


async def test_follow_up_overdue_is_settled_by_the_next_connection(connect, settings):
    settings.KEY_QUESTION_GRACE_SECONDS = 0
    settings.DEADLINE_SWEEP_SECONDS = 60
    chat = await running_follow_up_chat(timezone.now() - timedelta(seconds=5))
    await chat_settle(chat.pk)
    stored = await reload(chat)
    assert stored.key_questions[0]["follow_ups"][0]["status"] == "expired" and stored.current_follow_up is None


async def test_follow_up_expiry_after_the_last_key_question_closes_the_interview(settings, listen, watcher):
    settings.KEY_QUESTION_GRACE_SECONDS = 0
    settings.DEADLINE_SWEEP_SECONDS = 0.05
    chat = await running_follow_up_chat(timezone.now() - timedelta(seconds=5))
    await database_sync_to_async(Chat.objects.filter(pk=chat.pk).update)(
        key_questions=(await reload(chat)).key_questions[:1]
    )
    group = await listen(chat_group(chat.pk))
    await group.frames_until("interview.completed", timeout=10)
    assert (await reload(chat)).status == Chat.COMPLETED


async def test_observer_extends_the_running_follow_up(connect, settings):
    settings.DEADLINE_SWEEP_SECONDS = 60
    deadline = timezone.now() + timedelta(seconds=40)
    chat = await running_follow_up_chat(deadline)
    admin = await database_sync_to_async(UserFactory)(username="boss", is_staff=True, is_superuser=True, role="admin")
    observer, _ = await connect(f"/ws/observe/{chat.pk}/", admin)
    await observer.send_json_to({"type": "question.extend", "seconds": 30})
    frame = (await frames_until(observer, of_type("question.extended")))[-1]
    stored = await reload(chat)
    assert (frame["kind"], frame["follow_up"], frame["seconds"]) == ("follow_up", 1, 30)
    assert stored.key_questions[0]["follow_ups"][0]["deadline"] == frame["deadline"]
    assert (stored.question_deadline - deadline).total_seconds() == pytest.approx(30)


async def test_interview_end_expires_the_running_follow_up(connect):
    chat = await running_follow_up_chat(timezone.now() + timedelta(seconds=40))
    admin = await database_sync_to_async(UserFactory)(username="boss", is_staff=True, is_superuser=True, role="admin")
    observer, _ = await connect(f"/ws/observe/{chat.pk}/", admin)
    await observer.send_json_to({"type": "interview.end"})
    await frames_until(observer, of_type("interview.completed"))
    stored = await reload(chat)
    follow_up = stored.key_questions[0]["follow_ups"][0]
    assert (follow_up["status"], follow_up.get("ended_early"), stored.current_follow_up) == ("expired", True, None)
