"""The per-user cap on replies being written at once, in the services: who is refused, and what it costs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from interview.core.errors import ServiceError
from interview.interviews import services as svc
from interview.models import Chat
from tests.factories import ChatFactory, UserFactory

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
QUESTIONS = [{"question": "One?", "time_limit": 60}, {"question": "Two?", "time_limit": 60}]


@pytest.fixture(autouse=True)
def _settings(settings):
    settings.KEY_QUESTION_GRACE_SECONDS = 2.0
    settings.MAX_CONCURRENT_GENERATIONS_PER_USER = 2


def generating(user, count: int = 2, *, lease_until: datetime = T0 + timedelta(seconds=5)) -> None:
    """`count` other chats of `user` whose replies are being written (their leases run until `lease_until`)."""
    for _ in range(count):
        ChatFactory(user=user, status=Chat.IN_PROGRESS, generation_lease_until=lease_until)


def asked_chat(user) -> Chat:
    """A started chat of `user` whose first key question (60 s) was delivered at T0."""
    chat = ChatFactory(user=user, key_questions=[dict(q) for q in QUESTIONS])
    turn = svc.interview_start(chat_id=chat.pk, now=T0, model_name="m")
    svc.generation_finish(
        chat_id=chat.pk, message_id=turn.message_id, text="Hi. One?", status="complete", usage=None, model="m", now=T0
    )
    return Chat.objects.get(pk=chat.pk)


def test_concurrent_start_refused_at_the_limit(user):
    generating(user)
    chat = ChatFactory(user=user, key_questions=[dict(q) for q in QUESTIONS])
    with pytest.raises(ServiceError) as refused:
        svc.interview_start(chat_id=chat.pk, now=T0, model_name="m")
    assert refused.value.code == "too_many_generations"


def test_concurrent_start_allowed_below_the_limit(user):
    generating(user, 1)
    chat = ChatFactory(user=user, key_questions=[dict(q) for q in QUESTIONS])
    assert svc.interview_start(chat_id=chat.pk, now=T0, model_name="m") is not None


def test_concurrent_expired_leases_do_not_count(user):
    """A reply whose process died stops counting once its lease runs out."""
    generating(user, lease_until=T0 - timedelta(seconds=1))
    chat = ChatFactory(user=user, key_questions=[dict(q) for q in QUESTIONS])
    assert svc.interview_start(chat_id=chat.pk, now=T0, model_name="m") is not None


def test_concurrent_answer_refused_stores_nothing(user):
    chat = asked_chat(user)
    generating(user)
    with pytest.raises(ServiceError) as refused:
        svc.answer_submit(chat_id=chat.pk, client_id="c1", content="An answer.", now=T0 + timedelta(seconds=3))
    stored = Chat.objects.get(pk=chat.pk)
    assert refused.value.code == "too_many_generations"
    assert (stored.messages, stored.key_questions, stored.generation_lease_until) == (
        chat.messages,
        chat.key_questions,
        None,
    )


def test_concurrent_clock_turn_never_refused(user):
    """An expiry plans the next turn whatever the user's other interviews are doing."""
    chat = asked_chat(user)
    generating(user, 3, lease_until=T0 + timedelta(hours=1))
    result = svc.question_expire(chat_id=chat.pk, index=0, now=T0 + timedelta(seconds=63))
    assert result is not None and result.turn is not None


def test_concurrent_answer_answering_a_probe_is_not_refused(user):
    """An observer's probe asked instead of the next turn writes no reply, so it is not counted."""
    chat = asked_chat(user)
    Chat.objects.filter(pk=chat.pk).update(
        probes=[{"id": "p1", "content": "Why?", "by_name": "Ada", "index": 0, "queued_at": T0.isoformat()}]
    )
    generating(user)
    result = svc.answer_submit(chat_id=chat.pk, client_id="c1", content="An answer.", now=T0 + timedelta(seconds=3))
    assert result.probe is not None and result.turn is None


def test_concurrent_count_is_one_statement_on_the_user(user):
    """One plain count per answer (no ORM subquery to compile on the database thread), for this user only."""
    chat = asked_chat(user)
    generating(user, 1)
    other = UserFactory()
    generating(other)
    with CaptureQueriesContext(connection) as queries:
        svc.answer_submit(chat_id=chat.pk, client_id="c1", content="An answer.", now=T0 + timedelta(seconds=3))
    counting = [
        q["sql"] for q in queries.captured_queries if "generation_lease_until" in q["sql"] and "COUNT" in q["sql"]
    ]
    assert len(counting) == 1 and "JOIN" not in counting[0]
