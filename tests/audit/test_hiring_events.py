"""Invitation events (created, resent) and observer steering events (note, extend, end, probe, skip, pause, resume)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import DatabaseError

from interview.audit.actions import AuditAction
from interview.hiring import services as inv
from interview.interviews import services as svc
from interview.interviews import steering
from interview.interviews.notes import observer_note_add
from interview.models import Chat, InvitedInterview, ObserverNote
from tests.audit.helpers import audit_inserts_refused, only_event, target_of
from tests.factories import ChatFactory
from tests.hiring.helpers import NOW, fillable_template

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("offline_llm")]


def link_for(token: str) -> str:
    return f"https://interviews.example.com/invite/{token}/"


def create(interviewer):
    return inv.invitation_create(
        interviewer=interviewer,
        candidate_email="ada@example.com",
        template_id=fillable_template(interviewer).pk,
        scheduled_time=NOW + timedelta(hours=2),
        duration_minutes=60,
        now=NOW,
        link_for=link_for,
    ).invitation


def test_invitation_create_writes_one_event(interviewer):
    invitation = create(interviewer)
    event = only_event(AuditAction.INVITATION_CREATED)
    assert (event.actor_id, (event.target_type, event.target_id)) == (interviewer.pk, target_of(invitation))
    assert event.detail["candidate_email"] == "ada@example.com"


def test_invitation_create_whose_event_fails_saves_nothing(interviewer):
    with audit_inserts_refused(), pytest.raises(DatabaseError):
        create(interviewer)
    assert not InvitedInterview.objects.exists()


def test_invitation_resend_writes_one_event(interviewer):
    invitation = create(interviewer)
    inv.invitation_resend(invitation_id=invitation.pk, user=interviewer, now=NOW, link_for=link_for)
    event = only_event(AuditAction.INVITATION_RESENT)
    assert (event.actor_id, event.target_id) == (interviewer.pk, str(invitation.pk))


def test_invitation_resend_whose_event_fails_keeps_the_old_link(interviewer):
    invitation = create(interviewer)
    with audit_inserts_refused(), pytest.raises(DatabaseError):
        inv.invitation_resend(invitation_id=invitation.pk, user=interviewer, now=NOW, link_for=link_for)
    assert InvitedInterview.objects.get(pk=invitation.pk).token_hash == invitation.token_hash


# --- An observer steering a live interview ----------------------------------------------------------------

T0 = NOW


def asked_chat() -> Chat:
    """A started chat whose first key question (180 s) was delivered at T0."""
    chat = ChatFactory(key_questions=[{"question": "One?", "time_limit": 180}, {"question": "Two?", "time_limit": 60}])
    Chat.objects.filter(pk=chat.pk).update(max_follow_ups=0)
    turn = svc.interview_start(chat_id=chat.pk, now=T0, model_name="m")
    svc.generation_finish(
        chat_id=chat.pk, message_id=turn.message_id, text="x", status="complete", usage=None, model="m", now=T0
    )
    return Chat.objects.get(pk=chat.pk)


def test_observer_note_writes_one_event(interviewer):
    chat = asked_chat()
    note = observer_note_add(chat_id=chat.pk, author_id=interviewer.pk, text="Clear.", now=T0)
    event = only_event(AuditAction.OBSERVER_NOTE)
    assert (event.actor_id, event.actor_label, event.target_id) == (
        interviewer.pk,
        interviewer.username,
        str(note["id"]),
    )
    assert "Clear." not in str(event.detail)  # a private note's text stays out of the log


def test_observer_note_whose_event_fails_is_not_saved(interviewer):
    chat = asked_chat()
    with audit_inserts_refused(), pytest.raises(DatabaseError):
        observer_note_add(chat_id=chat.pk, author_id=interviewer.pk, text="Clear.", now=T0)
    assert not ObserverNote.objects.exists()


def steer(name: str, chat: Chat, by: int):
    at = T0 + timedelta(seconds=10)
    if name == "probe":
        return steering.probe_submit(chat_id=chat.pk, content="Which metric?", by=by, by_name="Ada", now=at)
    if name == "skip":
        return steering.question_skip(chat_id=chat.pk, now=at, by=by)
    if name == "pause":
        return steering.interview_pause(chat_id=chat.pk, by=by, by_name="Ada", reason="Fire drill", now=at)
    if name == "extend":
        return steering.observer_question_extend(chat_id=chat.pk, by=by, seconds=60, now=at)
    if name == "end":
        return steering.observer_interview_end(chat_id=chat.pk, by=by, now=at)
    raise AssertionError(name)


STEERING = {
    "probe": AuditAction.PROBE_SUBMITTED,
    "skip": AuditAction.QUESTION_SKIPPED,
    "pause": AuditAction.INTERVIEW_PAUSED,
    "extend": AuditAction.QUESTION_EXTENDED,
    "end": AuditAction.INTERVIEW_ENDED,
}


@pytest.mark.parametrize("name", STEERING)
def test_observer_steering_writes_one_event(interviewer, name):
    chat = asked_chat()
    steer(name, chat, interviewer.pk)
    event = only_event(STEERING[name])
    assert (event.actor_id, (event.target_type, event.target_id)) == (interviewer.pk, target_of(chat))


@pytest.mark.parametrize("name", STEERING)
def test_observer_steering_whose_event_fails_changes_nothing(interviewer, name):
    chat = asked_chat()
    before = Chat.objects.values("status", "question_deadline", "paused_at", "probes", "key_questions").get(pk=chat.pk)
    with audit_inserts_refused(), pytest.raises(DatabaseError):
        steer(name, chat, interviewer.pk)
    after = Chat.objects.values("status", "question_deadline", "paused_at", "probes", "key_questions").get(pk=chat.pk)
    assert after == before


def test_observer_resume_writes_one_event(interviewer):
    chat = asked_chat()
    steer("pause", chat, interviewer.pk)
    steering.interview_resume(chat_id=chat.pk, now=T0 + timedelta(seconds=40), reason="Back", by=interviewer.pk)
    event = only_event(AuditAction.INTERVIEW_RESUMED)
    assert (event.actor_id, event.detail) == (interviewer.pk, {"seconds": 30.0, "auto": False})


def test_observer_end_of_an_ended_interview_writes_nothing(interviewer):
    chat = asked_chat()
    steer("end", chat, interviewer.pk)
    assert steer("end", chat, interviewer.pk) is False
    only_event(AuditAction.INTERVIEW_ENDED)
