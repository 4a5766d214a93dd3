"""Invitation services with a controllable clock: create, start, complete and review."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from interview.core.errors import ServiceError
from interview.hiring import services as inv
from interview.hiring.selectors import token_hash
from interview.interviews.signals import chat_completed
from interview.models import Chat, InvitedInterview
from tests.factories import TemplateFactory, UserFactory
from tests.hiring.helpers import NOW, fillable_template, invitation_with_token, verified_user

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("offline_llm")]

LINK = "https://interviews.example.com/invite/{}/"


def link_for(token: str) -> str:
    return LINK.format(token)


@pytest.fixture
def template(interviewer):
    return fillable_template(interviewer)


def create(interviewer, template, **kwargs):
    fields = {
        "candidate_email": "ada@example.com",
        "template_id": template.pk,
        "scheduled_time": NOW + timedelta(hours=2),
        "duration_minutes": 60,
    }
    return inv.invitation_create(interviewer=interviewer, now=NOW, link_for=link_for, **(fields | kwargs))


def sent_token() -> str:
    body = mail.outbox[-1].body
    return body.split("/invite/")[1].split("/")[0]


# --- Create -----------------------------------------------------------------------------------------


def test_invitation_create_saves_a_pending_invitation(interviewer, template):
    invitation = create(interviewer, template).invitation
    assert (invitation.status, invitation.candidate_email, invitation.template) == (
        "pending",
        "ada@example.com",
        template,
    )


def test_invitation_create_stores_only_the_token_hash(interviewer, template):
    invitation = create(interviewer, template).invitation
    assert invitation.token_hash == token_hash(sent_token())


def test_invitation_create_emails_the_candidate_the_link(interviewer, template):
    create(interviewer, template)
    assert (mail.outbox[0].to, LINK.format(sent_token()) in mail.outbox[0].body) == (["ada@example.com"], True)


def test_invitation_create_attaches_a_calendar_file(interviewer, template):
    create(interviewer, template)
    name, content, mimetype = mail.outbox[0].attachments[0]
    assert (name, mimetype, "DTSTART:20300315T160000Z" in content) == ("invitation.ics", "text/calendar", True)


def test_invitation_create_sends_an_html_alternative(interviewer, template):
    create(interviewer, template)
    assert mail.outbox[0].alternatives[0][1] == "text/html"


def test_invitation_create_reports_a_failed_email(interviewer, template, settings):
    settings.EMAIL_BACKEND = "tests.hiring.helpers.BrokenBackend"
    assert create(interviewer, template).emailed is False


@pytest.mark.parametrize(
    ("field", "kwargs"),
    [
        ("scheduled_time", {"scheduled_time": NOW - timedelta(hours=1)}),
        ("duration_minutes", {"duration_minutes": 5}),
        ("duration_minutes", {"duration_minutes": 500}),
        ("candidate_email", {"candidate_email": "not-an-email"}),
        ("candidate_email", {"candidate_email": "interviewer@example.com"}),
    ],
)
def test_invitation_create_refuses_bad_input(interviewer, template, field, kwargs):
    with pytest.raises(ValidationError) as caught:
        create(interviewer, template, **kwargs)
    assert field in caught.value.message_dict


def test_invitation_create_bad_input_changes_nothing(interviewer, template):
    with pytest.raises(ValidationError):
        create(interviewer, template, duration_minutes=500)
    assert (InvitedInterview.objects.count(), len(mail.outbox)) == (0, 0)


def test_invitation_create_refuses_someone_elses_private_template(interviewer):
    other = fillable_template(UserFactory(role="interviewer"))
    with pytest.raises(ValidationError) as caught:
        create(interviewer, other)
    assert "template" in caught.value.message_dict


def test_invitation_create_refuses_a_template_its_banks_cannot_fill(interviewer):
    empty = TemplateFactory(user=interviewer, question_count=5)
    with pytest.raises(ValidationError) as caught:
        create(interviewer, empty)
    assert "cannot be used" in caught.value.message_dict["template"][0]


def test_invitation_create_refuses_candidates(user, template):
    with pytest.raises(ServiceError):
        create(user, template)


def test_invitation_resend_replaces_the_token(interviewer, template):
    invitation = create(interviewer, template).invitation
    old_hash = invitation.token_hash
    inv.invitation_resend(invitation_id=invitation.pk, user=interviewer, now=NOW, link_for=link_for)
    invitation.refresh_from_db()
    assert (invitation.token_hash != old_hash, invitation.token_hash) == (True, token_hash(sent_token()))


# --- Start ------------------------------------------------------------------------------------------


@pytest.fixture
def ada():
    return verified_user("ada")


@pytest.fixture
def pending(interviewer, ada):
    return invitation_with_token(interviewer=interviewer, email=ada.email, scheduled_time=NOW, duration=60)


def start(token, user, minutes_after_schedule: float):
    return inv.invitation_start(token=token, user=user, now=NOW + timedelta(minutes=minutes_after_schedule))


def test_invitation_start_before_the_window_is_refused(pending, ada):
    with pytest.raises(ServiceError) as caught:
        start(pending[1], ada, -1)
    assert caught.value.code == "too_early"


def test_invitation_start_inside_the_window_starts(pending, ada):
    invitation = start(pending[1], ada, 10)
    assert (invitation.status, invitation.candidate, invitation.started_at) == (
        "in_progress",
        ada,
        NOW + timedelta(minutes=10),
    )


def test_invitation_start_at_the_scheduled_time_starts(pending, ada):
    assert start(pending[1], ada, 0).status == "in_progress"


def test_invitation_start_at_the_window_end_is_refused(pending, ada):
    with pytest.raises(ServiceError) as caught:
        start(pending[1], ada, 60)
    assert caught.value.code == "window_closed"


def test_invitation_start_after_the_window_is_refused(pending, ada):
    with pytest.raises(ServiceError):
        start(pending[1], ada, 61)
    pending[0].refresh_from_db()
    assert (pending[0].status, pending[0].chat_id) == ("pending", None)


def test_invitation_start_interview_ends_at_start_plus_duration(pending, ada):
    invitation = start(pending[1], ada, 50)
    assert invitation.chat.ends_at == NOW + timedelta(minutes=110)


def test_invitation_start_creates_the_candidates_chat_from_the_interviewers_template(pending, ada):
    chat = start(pending[1], ada, 1).chat
    template_texts = set(pending[0].template.question_banks.first().questions.values_list("text", flat=True))
    assert (chat.user, chat.status, {q["question"] for q in chat.key_questions} <= template_texts) == (
        ada,
        Chat.NOT_STARTED,
        True,
    )


def test_invitation_start_twice_returns_the_same_interview(pending, ada):
    first = start(pending[1], ada, 1)
    assert start(pending[1], ada, 2).chat_id == first.chat_id


def test_invitation_start_needs_a_verified_email(interviewer):
    unverified = UserFactory(username="bob")
    _, token = invitation_with_token(interviewer=interviewer, email=unverified.email, scheduled_time=NOW)
    with pytest.raises(ServiceError) as caught:
        start(token, unverified, 1)
    assert caught.value.code == "unverified"


def test_invitation_start_refuses_a_changed_email(pending, ada):
    ada.email = "ada.new@example.com"
    ada.save()
    with pytest.raises(ServiceError) as caught:
        start(pending[1], ada, 1)
    assert caught.value.code == "wrong_email"


def test_invitation_start_matches_the_email_case_insensitively(interviewer):
    ada = verified_user("ada", email="Ada@Example.com")
    _, token = invitation_with_token(interviewer=interviewer, email="ada@example.com", scheduled_time=NOW)
    assert start(token, ada, 1).status == "in_progress"


def test_invitation_start_refuses_another_verified_account(pending):
    with pytest.raises(ServiceError) as caught:
        start(pending[1], verified_user("eve"), 1)
    assert caught.value.code == "wrong_email"


def test_invitation_start_refuses_a_tampered_token(pending, ada):
    with pytest.raises(ServiceError) as caught:
        start(pending[1][:-2] + "xx", ada, 1)
    assert caught.value.code == "not_found"


def test_invitation_start_refuses_a_link_used_by_another_account(pending, ada):
    start(pending[1], ada, 1)
    ada.email = "ada.old@example.com"
    ada.save()
    twin = verified_user("ada2", email="ada@example.com")
    with pytest.raises(ServiceError) as caught:
        start(pending[1], twin, 2)
    assert caught.value.code == "taken"


def test_invitation_start_refuses_a_completed_invitation(pending, ada):
    invitation = start(pending[1], ada, 1)
    InvitedInterview.objects.filter(pk=invitation.pk).update(status="completed")
    with pytest.raises(ServiceError) as caught:
        start(pending[1], ada, 2)
    assert caught.value.code == "already_used"


# --- Complete and review ----------------------------------------------------------------------------


@pytest.fixture
def started(pending, ada):
    return start(pending[1], ada, 1)


def test_invitation_complete_marks_the_invitation_completed(started):
    inv.invitation_complete(chat_id=started.chat_id, now=NOW + timedelta(minutes=30))
    started.refresh_from_db()
    assert (started.status, started.completed_at) == ("completed", NOW + timedelta(minutes=30))


def test_invitation_complete_emails_the_interviewer(started, interviewer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        inv.invitation_complete(chat_id=started.chat_id, now=NOW)
    assert mail.outbox[-1].to == [interviewer.email]


def test_invitation_complete_receiver_runs_on_chat_completed(started):
    chat_completed.send(sender=Chat, chat_id=started.chat_id, reason="finished")
    started.refresh_from_db()
    assert started.status == "completed"


def test_invitation_complete_ignores_chats_without_invitation():
    assert inv.invitation_complete(chat_id=424242, now=NOW) is False


@pytest.fixture
def completed(started):
    inv.invitation_complete(chat_id=started.chat_id, now=NOW + timedelta(minutes=30))
    started.refresh_from_db()
    return started


def review(invitation, user, feedback="Strong answers.", publish=True):
    return inv.invitation_review(invitation_id=invitation.pk, user=user, feedback=feedback, publish=publish, now=NOW)


def test_invitation_review_publishes_feedback(completed, interviewer):
    reviewed = review(completed, interviewer)
    assert (reviewed.status, reviewed.feedback_published, reviewed.reviewed_at) == ("reviewed", True, NOW)


def test_invitation_review_needs_feedback(completed, interviewer):
    with pytest.raises(ValidationError):
        review(completed, interviewer, feedback="   ")
    completed.refresh_from_db()
    assert (completed.status, completed.feedback_published) == ("completed", False)


def test_invitation_review_draft_stays_unpublished(completed, interviewer):
    draft = review(completed, interviewer, feedback="Draft", publish=False)
    assert (draft.status, draft.feedback_published, draft.interviewer_feedback) == ("completed", False, "Draft")


def test_invitation_review_emails_the_candidate(completed, interviewer, ada, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        review(completed, interviewer)
    assert mail.outbox[-1].to == [ada.email]


def test_invitation_review_twice_is_refused(completed, interviewer):
    review(completed, interviewer)
    with pytest.raises(ServiceError) as caught:
        review(completed, interviewer, feedback="Changed my mind")
    assert caught.value.code == "already_reviewed"


def test_invitation_review_before_completion_is_refused(started, interviewer):
    with pytest.raises(ServiceError) as caught:
        review(started, interviewer)
    assert caught.value.code == "not_completed"


def test_invitation_review_by_another_interviewer_is_not_found(completed):
    with pytest.raises(ServiceError) as caught:
        review(completed, UserFactory(role="interviewer"))
    assert caught.value.code == "not_found"


def test_invitation_review_by_an_admin_is_allowed(completed, admin_user):
    assert review(completed, admin_user).status == "reviewed"
