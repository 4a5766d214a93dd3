"""Interview services driven with an explicit clock: deadlines, grace, expiry, extend, window."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from interview.core.errors import ServiceError
from interview.interviews import services as svc
from interview.models import Chat
from tests.factories import ChatFactory, JobListingFactory, ResumeFactory

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _grace(settings):
    settings.KEY_QUESTION_GRACE_SECONDS = 2.0


def asked_chat(**kwargs):
    """A started chat whose first key question (60 s) was delivered at T0."""
    chat = ChatFactory(
        key_questions=[{"question": "One?", "time_limit": 60}, {"question": "Two?", "time_limit": 60}], **kwargs
    )
    turn = svc.interview_start(chat_id=chat.pk, now=T0, model_name="m")
    svc.generation_finish(
        chat_id=chat.pk, message_id=turn.message_id, text="Hi. One?", status="complete", usage=None, model="m", now=T0
    )
    return Chat.objects.get(pk=chat.pk)


def submit(chat, at, client_id="c1"):
    return svc.answer_submit(chat_id=chat.pk, client_id=client_id, content="An answer.", now=at)


def test_clock_starts_when_question_delivered():
    chat = asked_chat()
    assert chat.question_started_at == T0 and chat.question_deadline == T0 + timedelta(seconds=60)


def test_answer_inside_grace_is_accepted():
    chat = asked_chat()
    result = submit(chat, T0 + timedelta(seconds=61.9))
    assert result.user_message["answer_seconds"] == 61.9


def test_answer_after_grace_is_refused_and_not_stored():
    chat = asked_chat()
    with pytest.raises(ServiceError) as info:
        submit(chat, T0 + timedelta(seconds=62.1))
    assert info.value.code == "time_expired"
    assert [m["role"] for m in Chat.objects.get(pk=chat.pk).messages] == ["assistant"]


def test_expire_before_grace_ends_does_nothing():
    chat = asked_chat()
    assert svc.question_expire(chat_id=chat.pk, index=0, now=T0 + timedelta(seconds=61)) is None


def test_expire_after_grace_records_and_plans_next():
    chat = asked_chat()
    result = svc.question_expire(chat_id=chat.pk, index=0, now=T0 + timedelta(seconds=63))
    stored = Chat.objects.get(pk=chat.pk)
    assert result.turn.plan.kind == "next_question" and result.turn.plan.previous_expired
    assert stored.key_questions[0]["status"] == "expired" and stored.question_deadline is None


def test_expire_is_applied_once():
    chat = asked_chat()
    later = T0 + timedelta(seconds=70)
    assert svc.question_expire(chat_id=chat.pk, index=0, now=later) is not None
    assert svc.question_expire(chat_id=chat.pk, index=0, now=later) is None
    assert sum(m["role"] == "assistant" for m in Chat.objects.get(pk=chat.pk).messages) == 2


def test_answered_question_never_expires():
    chat = asked_chat()
    submit(chat, T0 + timedelta(seconds=10))
    assert svc.question_expire(chat_id=chat.pk, index=0, now=T0 + timedelta(seconds=500)) is None


def test_extend_moves_deadline_and_answer_window():
    chat = asked_chat()
    svc.question_extend(chat_id=chat.pk, seconds=30, now=T0 + timedelta(seconds=50))
    assert submit(chat, T0 + timedelta(seconds=91)).user_message["answer_seconds"] == 91


def test_extend_after_expiry_is_refused():
    chat = asked_chat()
    with pytest.raises(ServiceError) as info:
        svc.question_extend(chat_id=chat.pk, seconds=30, now=T0 + timedelta(seconds=70))
    assert info.value.code == "time_expired"


def test_expired_last_question_plans_closing():
    chat = asked_chat()
    first = svc.question_expire(chat_id=chat.pk, index=0, now=T0 + timedelta(seconds=63))
    t1 = T0 + timedelta(seconds=64)
    svc.generation_finish(
        chat_id=chat.pk, message_id=first.turn.message_id, text="Two?", status="complete", usage=None, model="m", now=t1
    )
    second = svc.question_expire(chat_id=chat.pk, index=1, now=t1 + timedelta(seconds=63))
    assert second.turn.plan.kind == "closing"


def test_closing_turn_completes_and_signals(django_capture_on_commit_callbacks):
    from interview.interviews.signals import chat_completed

    received = []
    chat_completed.connect(lambda **kw: received.append(kw["reason"]), weak=False, dispatch_uid="test-closing")
    try:
        chat = asked_chat()
        turn = submit(chat, T0 + timedelta(seconds=5)).turn
        svc.generation_finish(
            chat_id=chat.pk,
            message_id=turn.message_id,
            text="Two?",
            status="complete",
            usage=None,
            model="m",
            now=T0 + timedelta(seconds=6),
        )
        closing = submit(chat, T0 + timedelta(seconds=20), client_id="c2").turn
        with django_capture_on_commit_callbacks(execute=True):
            result = svc.generation_finish(
                chat_id=chat.pk,
                message_id=closing.message_id,
                text="Bye",
                status="complete",
                usage=None,
                model="m",
                now=T0 + timedelta(seconds=21),
            )
    finally:
        chat_completed.disconnect(dispatch_uid="test-closing")
    assert result.completed and received == ["finished"]
    assert Chat.objects.get(pk=chat.pk).status == "completed"


def test_window_close_refuses_late_answer():
    chat = asked_chat(ends_at=T0 + timedelta(seconds=30))
    with pytest.raises(ServiceError) as info:
        submit(chat, T0 + timedelta(seconds=33))
    assert info.value.code == "time_expired"


def test_window_close_waits_for_reply_being_written():
    chat = asked_chat(ends_at=T0 + timedelta(seconds=30))
    submit(chat, T0 + timedelta(seconds=29))  # accepted: the interviewer starts replying
    assert svc.interview_window_close(chat_id=chat.pk, now=T0 + timedelta(seconds=40)) is False
    assert Chat.objects.get(pk=chat.pk).status == "in_progress"


def test_window_close_completes_idle_interview():
    chat = asked_chat(ends_at=T0 + timedelta(seconds=30))
    assert svc.interview_window_close(chat_id=chat.pk, now=T0 + timedelta(seconds=40)) is True
    stored = Chat.objects.get(pk=chat.pk)
    assert stored.status == "completed" and stored.key_questions[0]["status"] == "expired"


def test_partial_save_never_shrinks_text():
    chat = asked_chat()
    turn = submit(chat, T0 + timedelta(seconds=5)).turn
    svc.generation_save_partial(chat_id=chat.pk, message_id=turn.message_id, text="Hello wor", now=T0)
    svc.generation_save_partial(chat_id=chat.pk, message_id=turn.message_id, text="Hel", now=T0)
    message = Chat.objects.get(pk=chat.pk).messages[-1]
    assert message["content"] == "Hello wor" and message["status"] == "streaming"


def test_a_new_turn_carries_its_prompt_built_from_the_locked_row():
    """answer_submit builds the next turn's prompt from the row it holds: no second read of the chat."""
    chat = asked_chat(resume=ResumeFactory(), job_listing=JobListingFactory())
    with CaptureQueriesContext(connection) as queries:
        result = submit(chat, T0 + timedelta(seconds=5))
    selects = [q["sql"] for q in queries.captured_queries if q["sql"].lstrip().upper().startswith("SELECT")]
    # The locked read, with the user, resume and job listing joined; besides it only the one-statement count of
    # the user's other replies being written (interview/interviews/concurrency.py), which reads no chat row.
    reads = [sql for sql in selects if not sql.startswith("SELECT COUNT(*)")]
    assert len(reads) == 1 and len(selects) == 2, selects
    if connection.features.has_select_for_update_of:
        assert 'FOR UPDATE OF "interview_chat"' in reads[0]  # the joined rows are read, not locked

    messages, turn, suffix = result.turn.prompt
    assert [m["role"] for m in messages] == ["system", "assistant", "user", "system"]
    assert "Hi. One?" in messages[1]["content"] and "An answer." in messages[2]["content"]
    everything = "\n".join(m["content"] for m in messages)
    assert "Python developer with 6 years of Django." in everything
    assert "Senior Django developer." in everything
    assert turn.answer == "An answer." and turn.question_number == 2 and "Two?" in suffix
