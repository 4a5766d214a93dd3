"""The interview service with follow-ups, driven with an explicit clock (interview/interviews/services.py)."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from interview.core.errors import ServiceError
from interview.interviews import services as svc
from interview.llm.base import Usage
from interview.models import Chat, TokenUsage
from tests.factories import ChatFactory

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
ASK = svc.FollowUpOutcome(question="Which metric showed it?", usage=Usage(90, 12), model="m-json")


@pytest.fixture(autouse=True)
def _clock(settings):
    settings.KEY_QUESTION_GRACE_SECONDS = 2.0
    settings.FOLLOW_UP_TIME_LIMIT_RATIO = 0.5


def asked_chat(max_follow_ups=1):
    """A started chat whose first key question (180 s) was delivered at T0."""
    chat = ChatFactory(
        key_questions=[{"question": "One?", "time_limit": 180}, {"question": "Two?", "time_limit": 60}],
        max_follow_ups=max_follow_ups,
    )
    turn = svc.interview_start(chat_id=chat.pk, now=T0, model_name="m")
    finish(chat, turn)
    return Chat.objects.get(pk=chat.pk)


def finish(chat, turn, *, at=T0, follow_up=None, status="complete"):
    return svc.generation_finish(
        chat_id=chat.pk, message_id=turn.message_id, text="x", status=status, usage=None, model="m", now=at,
        follow_up=follow_up,
    )  # fmt: skip


def submit(chat, at, client_id="c1"):
    return svc.answer_submit(chat_id=chat.pk, client_id=client_id, content="An answer.", now=at)


def follow_up_running(max_follow_ups=1):
    """The first key question answered at T0+10 s and its follow-up asked at once (90 s: half of 180)."""
    chat = asked_chat(max_follow_ups)
    result = submit(chat, T0 + timedelta(seconds=10))
    finish(chat, result.turn, at=T0 + timedelta(seconds=10), follow_up=ASK)
    return Chat.objects.get(pk=chat.pk)


def test_answer_within_the_policy_asks_for_a_decision():
    result = submit(asked_chat(), T0 + timedelta(seconds=10))
    assert result.turn.follow_up.index == 0 and result.turn.follow_up.answer == "An answer."


def test_answer_with_policy_zero_asks_for_no_decision():
    assert submit(asked_chat(max_follow_ups=0), T0 + timedelta(seconds=10)).turn.follow_up is None


def test_finish_with_a_follow_up_starts_its_clock():
    chat = follow_up_running()
    assert (chat.current_question_index, chat.current_follow_up) == (0, 1)
    assert chat.question_deadline == T0 + timedelta(seconds=100)


def test_finish_with_a_follow_up_leaves_the_next_key_question_pending():
    chat = follow_up_running()
    assert chat.key_questions[1]["status"] == "pending"


def test_finish_with_a_follow_up_records_the_decision_usage():
    chat = follow_up_running()
    row = TokenUsage.objects.get(chat=chat)
    assert (row.request_type, row.model_name, row.prompt_tokens) == ("follow_up_decision", "m-json", 90)


def test_finish_with_a_follow_up_on_an_errored_turn_asks_nothing():
    chat = asked_chat()
    result = submit(chat, T0 + timedelta(seconds=10))
    finish(chat, result.turn, at=T0 + timedelta(seconds=10), follow_up=ASK, status="error")
    assert "follow_ups" not in Chat.objects.get(pk=chat.pk).key_questions[0]


def test_finish_checks_the_policy_again():
    chat = asked_chat()
    result = submit(chat, T0 + timedelta(seconds=10))
    Chat.objects.filter(pk=chat.pk).update(max_follow_ups=0)  # changed while the decision was made
    finished = finish(chat, result.turn, at=T0 + timedelta(seconds=10), follow_up=ASK)
    assert (finished.question_started["kind"], finished.question_started["index"]) == ("key", 1)


def test_finish_with_a_fallback_flags_the_key_question():
    chat = asked_chat()
    result = submit(chat, T0 + timedelta(seconds=10))
    finish(chat, result.turn, at=T0 + timedelta(seconds=10), follow_up=svc.FollowUpOutcome(fallback="unusable"))
    assert Chat.objects.get(pk=chat.pk).key_questions[0]["follow_up_fallback"] is True


def test_follow_up_answer_inside_grace_is_accepted():
    chat = follow_up_running()
    result = submit(chat, T0 + timedelta(seconds=101.5), client_id="c2")
    assert (result.user_message["follow_up"], result.user_message["answer_seconds"]) == (1, 91.5)


def test_follow_up_answer_after_grace_is_refused_and_not_stored():
    chat = follow_up_running()
    with pytest.raises(ServiceError) as info:
        submit(chat, T0 + timedelta(seconds=102.5), client_id="c2")
    stored = Chat.objects.get(pk=chat.pk)
    assert info.value.code == "time_expired" and stored.key_questions[0]["follow_ups"][0]["status"] == "asked"


def test_follow_up_answer_under_policy_one_plans_no_further_decision():
    chat = follow_up_running()
    assert submit(chat, T0 + timedelta(seconds=20), client_id="c2").turn.follow_up is None


def test_follow_up_answer_under_policy_three_plans_another_decision():
    chat = follow_up_running(max_follow_ups=3)
    turn = submit(chat, T0 + timedelta(seconds=20), client_id="c2").turn
    assert (turn.follow_up.index, turn.follow_up.asked) == (0, ["Which metric showed it?"])


def test_follow_up_expire_plans_the_next_key_question_without_a_decision():
    chat = follow_up_running(max_follow_ups=3)
    result = svc.question_expire(chat_id=chat.pk, index=0, now=T0 + timedelta(seconds=103))
    assert (result.follow_up["follow_up"], result.turn.plan.question_index, result.turn.follow_up) == (1, 1, None)


def test_follow_up_expire_before_grace_ends_does_nothing():
    chat = follow_up_running()
    assert svc.question_expire(chat_id=chat.pk, index=0, now=T0 + timedelta(seconds=101)) is None


def test_orphan_recovery_gives_the_running_follow_up_its_time_back(settings):
    settings.GENERATION_LEASE_SECONDS = 6
    chat = follow_up_running()
    streaming = {"id": "m-s", "role": "assistant", "content": "", "status": "streaming"}  # a reply whose process died
    Chat.objects.filter(pk=chat.pk).update(
        messages=[*chat.messages, streaming], generation_lease_until=T0 + timedelta(seconds=20)
    )
    recovery = svc.generation_orphan_recover(chat_id=chat.pk, now=T0 + timedelta(seconds=44))
    stored = Chat.objects.get(pk=chat.pk)
    assert recovery.question["follow_up"] == 1 and stored.question_deadline == T0 + timedelta(seconds=130)
    assert stored.key_questions[0]["follow_ups"][0]["deadline"] == "2026-11-24T12:02:10Z"


def test_follow_up_turn_costs_no_more_writes_than_a_turn():
    chat = asked_chat()
    result = submit(chat, T0 + timedelta(seconds=10))
    with CaptureQueriesContext(connection) as queries:
        finish(chat, result.turn, at=T0 + timedelta(seconds=10), follow_up=ASK)
    writes = [q["sql"] for q in queries.captured_queries if q["sql"].split()[0] in {"INSERT", "UPDATE", "DELETE"}]
    assert len(writes) == 2  # the chat row and the decision's usage row (no turn stream: no turn usage row)
