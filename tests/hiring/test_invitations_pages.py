"""Invitation pages: the dashboard, the invite form, the join link, review, and the candidate's side."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from interview.hiring import services as inv
from interview.models import Chat, ExportableReport, InvitedInterview, ObserverNote
from tests.factories import InvitationFactory, UserFactory
from tests.hiring.helpers import fillable_template, invitation_with_token, verified_user
from tests.scoring.helpers import scorecard_submitted

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("offline_llm")]


@pytest.fixture
def ada():
    return verified_user("ada")


@pytest.fixture
def pending(interviewer, ada):
    return invitation_with_token(interviewer=interviewer, email=ada.email)


def join_url(token: str) -> str:
    return reverse("invitation_join", args=[token])


def form_data(template, **kwargs):
    scheduled = (timezone.now() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    fields = {"candidate_email": "ada@example.com", "template": template.pk, "scheduled_time": scheduled}
    return fields | {"duration_minutes": 60} | kwargs


# --- Dashboard and invite ---------------------------------------------------------------------------


def test_invitation_dashboard_lists_own_invitations(client, interviewer, pending):
    InvitationFactory(candidate_email="someone-else@example.com")
    client.force_login(interviewer)
    page = client.get(reverse("invitation_dashboard")).content.decode()
    assert "ada@example.com" in page and "someone-else@example.com" not in page


def test_invitation_dashboard_filters_by_state(client, interviewer, pending):
    InvitationFactory(interviewer=interviewer, candidate_email="done@example.com", status="reviewed")
    client.force_login(interviewer)
    page = client.get(reverse("invitation_dashboard") + "?status=reviewed").content.decode()
    assert "done@example.com" in page and "ada@example.com" not in page


def test_invitation_dashboard_empty_state(client, interviewer):
    client.force_login(interviewer)
    assert "Invite your first candidate" in client.get(reverse("invitation_dashboard")).content.decode()


def test_invitation_dashboard_links_live_invitations_to_the_observer(client, interviewer, pending, ada):
    started = inv.invitation_start(token=pending[1], user=ada, now=timezone.now())
    client.force_login(interviewer)
    page = client.get(reverse("invitation_dashboard")).content.decode()
    assert reverse("interview_observe", args=[started.chat_id]) in page


def test_invitation_dashboard_settles_expired_invitations(client, interviewer):
    old = InvitationFactory(interviewer=interviewer, scheduled_time=timezone.now() - timedelta(days=2))
    client.force_login(interviewer)
    client.get(reverse("invitation_dashboard"))
    old.refresh_from_db()
    assert old.status == "expired"


def test_invitation_create_page_sends_the_invitation(client, interviewer):
    client.force_login(interviewer)
    response = client.post(reverse("invitation_create"), form_data(fillable_template(interviewer)))
    assert (response.status_code, InvitedInterview.objects.count(), len(mail.outbox)) == (302, 1, 1)


def test_invitation_create_page_link_points_at_this_site(client, interviewer):
    client.force_login(interviewer)
    client.post(reverse("invitation_create"), form_data(fillable_template(interviewer)))
    assert "http://testserver/invite/" in mail.outbox[0].body


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"duration_minutes": 5}, "15 to 240"),
        ({"duration_minutes": 500}, "15 to 240"),
        ({"candidate_email": "nope"}, "valid email"),
        ({"scheduled_time": "2001-01-01T10:00"}, "in the past"),
    ],
)
def test_invitation_create_page_shows_errors(client, interviewer, changes, message):
    client.force_login(interviewer)
    response = client.post(reverse("invitation_create"), form_data(fillable_template(interviewer), **changes))
    assert (response.status_code, message in response.content.decode(), InvitedInterview.objects.count()) == (
        400,
        True,
        0,
    )


def test_invitation_create_page_without_templates_says_so(client, interviewer):
    client.force_login(interviewer)
    assert "no interview templates yet" in client.get(reverse("invitation_create")).content.decode()


def test_invitation_resend_page_replaces_the_link(client, interviewer, pending):
    client.force_login(interviewer)
    client.post(reverse("invitation_resend", args=[pending[0].pk]))
    assert client.get(join_url(pending[1])).status_code == 404


# --- Join and start ---------------------------------------------------------------------------------


def test_invitation_join_anonymous_goes_to_login_keeping_the_link(client, pending):
    response = client.get(join_url(pending[1]))
    assert response.url == f"{reverse('login')}?next={join_url(pending[1])}"


def test_invitation_join_login_page_offers_sign_up_with_the_link(client, pending):
    page = client.get(join_url(pending[1]), follow=True).content.decode()
    assert f"{reverse('register')}?next=/invite/{pending[1]}/" in page


def test_invitation_join_shows_the_start_button_inside_the_window(client, ada, pending):
    client.force_login(ada)
    page = client.get(join_url(pending[1])).content.decode()
    assert "Start the interview</button>" in page and "disabled" not in page


def test_invitation_join_disables_start_before_the_window(client, interviewer, ada):
    _, token = invitation_with_token(
        interviewer=interviewer, email=ada.email, scheduled_time=timezone.now() + timedelta(hours=1)
    )
    client.force_login(ada)
    assert '<button type="submit" disabled>' in client.get(join_url(token)).content.decode()


def test_invitation_join_unverified_is_asked_to_verify(client, interviewer):
    bob = UserFactory(username="bob")
    _, token = invitation_with_token(interviewer=interviewer, email=bob.email)
    client.force_login(bob)
    response = client.get(join_url(token))
    assert (response.status_code, "Verify your email first" in response.content.decode()) == (403, True)


def test_invitation_join_wrong_account_is_refused(client, pending):
    client.force_login(verified_user("eve"))
    assert client.get(join_url(pending[1])).status_code == 403


def test_invitation_join_tampered_link_is_not_found(client, ada, pending):
    client.force_login(ada)
    assert client.get(join_url(pending[1] + "x")).status_code == 404


def test_invitation_start_opens_the_live_interview(client, ada, pending):
    client.force_login(ada)
    response = client.post(reverse("invitation_start", args=[pending[1]]))
    pending[0].refresh_from_db()
    assert response.url == reverse("interview_live", args=[pending[0].chat_id])


def test_invitation_start_after_the_window_explains(client, interviewer, ada):
    _, token = invitation_with_token(
        interviewer=interviewer, email=ada.email, scheduled_time=timezone.now() - timedelta(minutes=61)
    )
    client.force_login(ada)
    page = client.post(reverse("invitation_start", args=[token]), follow=True).content.decode()
    assert "time window has closed" in page


def test_invitation_start_needs_post(client, ada, pending):
    client.force_login(ada)
    assert client.get(reverse("invitation_start", args=[pending[1]])).status_code == 405


# --- Review and the candidate's side ----------------------------------------------------------------


@pytest.fixture
def completed(pending, ada, interviewer):
    started = inv.invitation_start(token=pending[1], user=ada, now=timezone.now())
    chat = started.chat
    chat.messages = [
        {"id": "m1", "role": "assistant", "content": "Tell me about <script>alert(1)</script>", "status": "complete"},
        {"id": "m2", "role": "user", "content": "I built <b>things</b>", "status": "complete"},
    ]
    chat.status = Chat.COMPLETED
    chat.save()
    ObserverNote.objects.create(chat=chat, author=interviewer, text="Good on databases")
    inv.invitation_complete(chat_id=chat.pk, now=timezone.now())
    started.refresh_from_db()
    return started


def test_invitation_review_page_escapes_the_transcript(client, interviewer, completed):
    client.force_login(interviewer)
    page = client.get(reverse("invitation_review", args=[completed.pk])).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert" not in page


def test_invitation_review_page_shows_notes(client, interviewer, completed):
    client.force_login(interviewer)
    assert "Good on databases" in client.get(reverse("invitation_review", args=[completed.pk])).content.decode()


def test_invitation_review_page_shows_the_report(client, interviewer, completed):
    ExportableReport.objects.create(chat=completed.chat, status="ready", overall_score=81, feedback_text="Solid")
    scorecard_submitted(completed.chat, interviewer)  # the blind rule: the AI's scores show once they scored
    client.force_login(interviewer)
    page = client.get(reverse("invitation_review", args=[completed.pk])).content.decode()
    assert "Overall 81" in page and "Solid" in page


def test_invitation_review_page_without_report_says_so(client, interviewer, completed):
    client.force_login(interviewer)
    assert "No report yet." in client.get(reverse("invitation_review", args=[completed.pk])).content.decode()


def test_invitation_review_page_mark_reviewed_needs_feedback(client, interviewer, completed):
    client.force_login(interviewer)
    response = client.post(reverse("invitation_review", args=[completed.pk]), {"feedback": "", "action": "publish"})
    completed.refresh_from_db()
    assert (response.status_code, completed.status, "Write feedback" in response.content.decode()) == (
        400,
        "completed",
        True,
    )


def test_invitation_review_page_marks_reviewed(client, interviewer, completed):
    client.force_login(interviewer)
    client.post(reverse("invitation_review", args=[completed.pk]), {"feedback": "Great", "action": "publish"})
    completed.refresh_from_db()
    assert (completed.status, completed.interviewer_feedback) == ("reviewed", "Great")


def test_invitation_result_hides_feedback_until_published(client, ada, interviewer, completed):
    inv.invitation_review(
        invitation_id=completed.pk, user=interviewer, feedback="Draft", publish=False, now=timezone.now()
    )
    client.force_login(ada)
    assert "Draft" not in client.get(reverse("invitation_result", args=[completed.pk])).content.decode()


def test_invitation_result_shows_published_feedback(client, ada, interviewer, completed):
    inv.invitation_review(
        invitation_id=completed.pk, user=interviewer, feedback="Well done", publish=True, now=timezone.now()
    )
    client.force_login(ada)
    assert "Well done" in client.get(reverse("invitation_result", args=[completed.pk])).content.decode()


def test_interview_list_shows_invited_interviews_beside_practice(client, ada, completed):
    client.force_login(ada)
    page = client.get(reverse("interview_list")).content.decode()
    assert "Invited interviews" in page and reverse("invitation_result", args=[completed.pk]) in page


def test_interview_list_shows_pending_invitations_for_the_verified_email(client, ada, pending):
    client.force_login(ada)
    assert "Open the link in your invitation email" in client.get(reverse("interview_list")).content.decode()


def test_interview_list_empty_invitations_state(client, user):
    client.force_login(user)
    assert "No invitations yet." in client.get(reverse("interview_list")).content.decode()
