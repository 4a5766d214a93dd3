"""An observer steering the interview, driven with an explicit clock (interview/interviews/steering.py)."""

from datetime import UTC, datetime, timedelta

import pytest

from interview.core.errors import ServiceError
from interview.interviews import services as svc
from interview.interviews import steering
from interview.interviews import transcript as s
from interview.models import Chat
from tests.factories import ChatFactory, UserFactory

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
PROBE = "Which metric showed it?"


@pytest.fixture(autouse=True)
def _clock(settings):
    settings.KEY_QUESTION_GRACE_SECONDS = 2.0
    settings.FOLLOW_UP_TIME_LIMIT_RATIO = 0.5
    settings.PAUSE_MAX_SECONDS = 900


def asked_chat(**fields):
    """A started chat whose first key question (180 s) was delivered at T0."""
    chat = ChatFactory(
        key_questions=[{"question": "One?", "time_limit": 180}, {"question": "Two?", "time_limit": 60}],
        **{"max_follow_ups": 0, **fields},
    )
    finish(chat, svc.interview_start(chat_id=chat.pk, now=T0, model_name="m"))
    return Chat.objects.get(pk=chat.pk)


def finish(chat, turn, *, at=T0, status="complete"):
    return svc.generation_finish(
        chat_id=chat.pk, message_id=turn.message_id, text="x", status=status, usage=None, model="m", now=at
    )


def _observer_id() -> int:
    """A real interviewer's id: the steering actions audit their actor (a foreign key PostgreSQL checks)."""
    return UserFactory(role="interviewer").pk


def probe(chat, at, content=PROBE):
    return steering.probe_submit(chat_id=chat.pk, content=content, by=_observer_id(), by_name="Ada", now=at)


def test_probe_queued_during_a_reply_is_asked_when_the_reply_starts_no_question():
    chat = asked_chat()
    result = svc.answer_submit(chat_id=chat.pk, client_id="c1", content="An answer.", now=T0 + timedelta(seconds=5))
    chat.refresh_from_db()
    queued = probe(chat, T0 + timedelta(seconds=6))
    # As if the reply streaming now were the closing turn: it starts no question.
    Chat.objects.filter(pk=chat.pk).update(
        messages=[*chat.messages[:-1], {**chat.messages[-1], "turn": {"kind": "closing"}}]
    )
    done = finish(chat, result.turn, at=T0 + timedelta(seconds=8))
    chat.refresh_from_db()
    assert queued.delivery is None
    assert (done.probe.message["content"], done.completed, chat.status, chat.current_follow_up) == (
        PROBE, False, Chat.IN_PROGRESS, 1,
    )  # fmt: skip


def test_probe_during_a_reply_that_starts_a_question_waits_for_its_answer():
    chat = asked_chat()
    result = svc.answer_submit(chat_id=chat.pk, client_id="c1", content="An answer.", now=T0 + timedelta(seconds=5))
    probe(chat, T0 + timedelta(seconds=6))
    done = finish(chat, result.turn, at=T0 + timedelta(seconds=8))
    chat.refresh_from_db()
    assert (done.probe, done.question_started["index"], len(chat.probes)) == (None, 1, 1)


def test_probe_time_limit_follows_the_follow_up_rule():
    chat = asked_chat()
    probe(chat, T0 + timedelta(seconds=1))
    result = svc.answer_submit(chat_id=chat.pk, client_id="c1", content="An answer.", now=T0 + timedelta(seconds=5))
    assert (result.probe.question["time_limit"], result.probe.question["deadline"]) == (
        90, T0 + timedelta(seconds=95),
    )  # fmt: skip


def test_probes_do_not_count_against_the_policy():
    chat = asked_chat(max_follow_ups=1)
    probe(chat, T0 + timedelta(seconds=1))
    svc.answer_submit(chat_id=chat.pk, client_id="c1", content="An answer.", now=T0 + timedelta(seconds=5))
    result = svc.answer_submit(chat_id=chat.pk, client_id="c2", content="Another.", now=T0 + timedelta(seconds=9))
    assert result.turn.plan.follow_up_of == 0  # the policy's one follow-up is still left


def test_probes_used_counts_asked_and_pending_of_one_key_question():
    question = {"follow_ups": [{"source": "observer"}, {"source": "ai"}]}
    pending = [{"index": 0}, {"index": 1}]
    assert s.probes_used(question, pending, 0) == 2


def test_plan_after_a_skip_never_follows_up():
    questions = [{"question": "One?", "time_limit": 60, "status": "answered"}, {"question": "Two?", "time_limit": 60}]
    plan = s.plan_after(questions, 0, skipped=True, max_follow_ups=3)
    assert (plan.kind, plan.question_index, plan.follow_up_of, plan.previous_expired) == (
        "next_question", 1, None, False,
    )  # fmt: skip


def test_skip_stops_the_clock_and_plans_the_next_question():
    chat = asked_chat()
    result = steering.question_skip(chat_id=chat.pk, now=T0 + timedelta(seconds=3))
    chat.refresh_from_db()
    assert (result.turn.plan.question_index, chat.question_deadline, chat.key_questions[0]["status"]) == (
        1, None, "skipped",
    )  # fmt: skip


def test_pause_then_resume_moves_deadline_started_at_and_window():
    chat = asked_chat(ends_at=T0 + timedelta(minutes=30))
    steering.interview_pause(
        chat_id=chat.pk, by=_observer_id(), by_name="Ada", reason="", now=T0 + timedelta(seconds=10)
    )
    result = steering.interview_resume(chat_id=chat.pk, now=T0 + timedelta(seconds=70))
    chat.refresh_from_db()
    assert (result.seconds, chat.question_deadline, chat.question_started_at, chat.ends_at) == (
        60, T0 + timedelta(seconds=240), T0 + timedelta(seconds=60), T0 + timedelta(minutes=31),
    )  # fmt: skip
    assert chat.key_questions[0]["deadline"] == s.iso(T0 + timedelta(seconds=240))


def test_expiry_is_refused_while_paused():
    chat = asked_chat()
    steering.interview_pause(
        chat_id=chat.pk, by=_observer_id(), by_name="Ada", reason="", now=T0 + timedelta(seconds=10)
    )
    assert svc.question_expire(chat_id=chat.pk, index=0, now=T0 + timedelta(seconds=500)) is None


def test_auto_resume_waits_for_pause_max_seconds():
    chat = asked_chat()
    steering.interview_pause(chat_id=chat.pk, by=_observer_id(), by_name="Ada", reason="", now=T0)
    early = steering.interview_resume(chat_id=chat.pk, now=T0 + timedelta(seconds=899), auto=True)
    late = steering.interview_resume(chat_id=chat.pk, now=T0 + timedelta(seconds=900), auto=True)
    assert (early, late.reason, late.seconds) == (None, "auto", 900)


def test_ending_a_paused_interview_ends_its_pause():
    chat = asked_chat()
    steering.interview_pause(chat_id=chat.pk, by=_observer_id(), by_name="Ada", reason="", now=T0)
    svc.interview_end(chat_id=chat.pk, now=T0 + timedelta(seconds=30))
    chat.refresh_from_db()
    assert (chat.paused_at, chat.pauses[0]["seconds"]) == (None, 30)


def test_probe_before_the_first_question_is_invalid():
    chat = ChatFactory(status=Chat.IN_PROGRESS, key_questions=[{"question": "One?", "time_limit": 60}])
    with pytest.raises(ServiceError) as refused:
        probe(chat, T0)
    assert refused.value.code == "invalid"
