"""Extra time on the server's clocks (issue 22): key questions and follow-ups run multiplied, driven with an
explicit clock (interview/interviews/services.py, interview/interviews/accommodation.py)."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from interview.core.errors import ServiceError
from interview.interviews import services as svc
from interview.interviews.selectors import chat_state
from interview.llm.base import Usage
from interview.models import Chat
from tests.factories import ChatFactory

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
ASK = svc.FollowUpOutcome(question="Which metric showed it?", usage=Usage(90, 12), model="m-json")


@pytest.fixture(autouse=True)
def _clock(settings):
    settings.KEY_QUESTION_GRACE_SECONDS = 2.0
    settings.FOLLOW_UP_TIME_LIMIT_RATIO = 0.5


def finish(chat_id, turn, *, at=T0, follow_up=None):
    return svc.generation_finish(
        chat_id=chat_id, message_id=turn.message_id, text="x", status="complete", usage=None, model="m", now=at,
        follow_up=follow_up,
    )  # fmt: skip


def asked_chat(multiplier="1.5", limit=60):
    """A started chat (one 60 s key question, then another) whose first question was delivered at T0."""
    chat = ChatFactory(
        key_questions=[{"question": "One?", "time_limit": limit}, {"question": "Two?", "time_limit": 60}],
        time_multiplier=Decimal(multiplier),
        max_follow_ups=1,
    )
    finish(chat.pk, svc.interview_start(chat_id=chat.pk, now=T0, model_name="m"))
    return Chat.objects.get(pk=chat.pk)


def test_accommodation_key_question_deadline_is_multiplied():
    assert asked_chat().question_deadline == T0 + timedelta(seconds=90)


def test_accommodation_key_question_stores_adjusted_and_base_limits():
    question = asked_chat().key_questions[0]
    assert (question["time_limit"], question["base_time_limit"]) == (90, 60)


def test_accommodation_key_question_not_expired_at_its_base_limit():
    chat = asked_chat()
    assert svc.question_expire(chat_id=chat.pk, index=0, now=T0 + timedelta(seconds=63)) is None


def test_accommodation_key_question_expires_at_the_multiplied_limit():
    chat = asked_chat()
    assert svc.question_expire(chat_id=chat.pk, index=0, now=T0 + timedelta(seconds=93)) is not None


def test_accommodation_answer_after_the_base_limit_is_accepted():
    chat = asked_chat()
    result = svc.answer_submit(chat_id=chat.pk, client_id="c1", content="Late.", now=T0 + timedelta(seconds=80))
    assert result.user_message["answer_seconds"] == 80.0


def test_accommodation_answer_after_the_multiplied_limit_is_refused():
    chat = asked_chat()
    with pytest.raises(ServiceError) as info:
        svc.answer_submit(chat_id=chat.pk, client_id="c1", content="Too late.", now=T0 + timedelta(seconds=93))
    assert info.value.code == "time_expired"


def test_accommodation_standard_time_keeps_the_limit():
    assert asked_chat(multiplier="1").question_deadline == T0 + timedelta(seconds=60)


def test_accommodation_clients_see_the_adjusted_limit():
    question = chat_state(asked_chat(multiplier="2", limit=90))["question"]
    assert (question["time_limit"], question["deadline"]) == (180, "2026-11-24T12:03:00Z")


def test_accommodation_follow_up_limit_is_multiplied_from_the_base_rule():
    # The follow-up rule on 60 s gives 60 s (its minimum); with 1.5x the follow-up runs 90 s.
    chat = asked_chat()
    at = T0 + timedelta(seconds=10)
    result = svc.answer_submit(chat_id=chat.pk, client_id="c1", content="An answer.", now=at)
    finish(chat.pk, result.turn, at=at, follow_up=ASK)
    chat = Chat.objects.get(pk=chat.pk)
    assert chat.question_deadline == at + timedelta(seconds=90)
    assert chat.key_questions[0]["follow_ups"][0]["time_limit"] == 90


def test_accommodation_extend_adds_exactly_the_seconds_asked():
    chat = asked_chat()
    moved = svc.question_extend(chat_id=chat.pk, seconds=30, now=T0 + timedelta(seconds=10))
    assert moved["deadline"] == T0 + timedelta(seconds=120)
