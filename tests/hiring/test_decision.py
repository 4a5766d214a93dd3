"""The hiring decision: once, by the inviting interviewer or an admin, after a scorecard, with a reason;
a strong no must be acknowledged. Service, API and the invitation page."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from interview.core.errors import ErrorCode, ServiceError
from interview.hiring.panel import invitation_decide
from interview.models import Chat, InvitedInterview
from tests.factories import ChatFactory, InvitationFactory, UserFactory
from tests.hiring.helpers import NOW
from tests.scoring.helpers import scorecard_submitted

pytestmark = pytest.mark.django_db


@pytest.fixture
def member():
    return UserFactory(username="member", role="interviewer")


@pytest.fixture
def invitation(interviewer, member):
    invitation = InvitationFactory(interviewer=interviewer, chat=ChatFactory(status=Chat.COMPLETED), status="completed")
    invitation.panel.add(member)
    return invitation


def decide(invitation, user, decision="advance", reason="Strong throughout.", ack=False):
    return invitation_decide(
        invitation_id=invitation.pk, user=user, decision=decision, reason=reason, acknowledge_strong_no=ack, now=NOW
    )


def refused(*args, **kwargs) -> str:
    with pytest.raises(ServiceError) as caught:
        decide(*args, **kwargs)
    return caught.value.code


def undecided(invitation) -> bool:
    return InvitedInterview.objects.get(pk=invitation.pk).decision == ""


def test_decision_needs_a_submitted_scorecard(invitation, interviewer):
    assert (refused(invitation, interviewer), undecided(invitation)) == (ErrorCode.NO_SCORECARD, True)


def test_decision_a_draft_scorecard_is_not_enough(invitation, interviewer, member):
    card = scorecard_submitted(invitation.chat, member)
    card.status = "draft"
    card.save()
    assert refused(invitation, interviewer) == ErrorCode.NO_SCORECARD


def test_decision_recorded_with_who_when_and_why(invitation, interviewer, member):
    scorecard_submitted(invitation.chat, member)
    decide(invitation, interviewer, "hold", "  Second round first. ")
    invitation.refresh_from_db()
    assert (invitation.decision, invitation.decision_reason, invitation.decided_by, invitation.decided_at) == (
        "hold",
        "Second round first.",
        interviewer,
        NOW,
    )


def test_decision_needs_a_reason(invitation, interviewer, member):
    scorecard_submitted(invitation.chat, member)
    assert (refused(invitation, interviewer, reason="  "), undecided(invitation)) == (ErrorCode.REASON_REQUIRED, True)


def test_decision_refuses_an_unknown_decision(invitation, interviewer, member):
    scorecard_submitted(invitation.chat, member)
    assert refused(invitation, interviewer, decision="maybe") == ErrorCode.INVALID


def test_decision_is_recorded_once(invitation, interviewer, member):
    scorecard_submitted(invitation.chat, member)
    decide(invitation, interviewer, "advance")
    assert refused(invitation, interviewer, decision="reject") == ErrorCode.ALREADY_DECIDED
    assert InvitedInterview.objects.get(pk=invitation.pk).decision == "advance"


def test_decision_strong_no_must_be_acknowledged(invitation, interviewer, member):
    scorecard_submitted(invitation.chat, member, recommendation="strong_no")
    assert (refused(invitation, interviewer), undecided(invitation)) == (ErrorCode.STRONG_NO_UNACKNOWLEDGED, True)


def test_decision_strong_no_acknowledged_is_recorded(invitation, interviewer, member):
    scorecard_submitted(invitation.chat, member, recommendation="strong_no")
    decide(invitation, interviewer, "advance", "Member's strong no was about one gap we can train.", ack=True)
    assert InvitedInterview.objects.get(pk=invitation.pk).decision == "advance"


def test_decision_by_a_panel_member_is_not_found(invitation, member):
    scorecard_submitted(invitation.chat, member)
    assert refused(invitation, member) == ErrorCode.NOT_FOUND


def test_decision_by_an_admin(invitation, member, admin_user):
    scorecard_submitted(invitation.chat, member)
    decide(invitation, admin_user, "reject", "Not for this role.")
    assert InvitedInterview.objects.get(pk=invitation.pk).decided_by == admin_user


def post_api(user, invitation, **body):
    client = APIClient()
    client.force_authenticate(user)
    return client.post(f"/api/invitations/{invitation.pk}/decision/", body, format="json")


@pytest.mark.parametrize(
    ("setup", "body", "status", "code"),
    [
        (None, {"decision": "advance", "reason": "Good"}, 409, "no_scorecard"),
        ("yes", {"decision": "advance", "reason": ""}, 400, "reason_required"),
        ("strong_no", {"decision": "advance", "reason": "Good"}, 400, "strong_no_unacknowledged"),
        ("yes", {"decision": "later", "reason": "Good"}, 400, "invalid"),
    ],
)
def test_decision_api_refusals(invitation, interviewer, member, setup, body, status, code):
    if setup:
        scorecard_submitted(invitation.chat, member, recommendation=setup)
    response = post_api(interviewer, invitation, **body)
    assert (response.status_code, response.json()["code"], undecided(invitation)) == (status, code, True)


def test_decision_api_records_and_returns_it(invitation, interviewer, member):
    scorecard_submitted(invitation.chat, member, recommendation="strong_no")
    body = {"decision": "hold", "reason": "Strong no noted; second round.", "acknowledge_strong_no": True}
    response = post_api(interviewer, invitation, **body)
    assert (response.status_code, response.json()["decision"], response.json()["decided_by"]) == (
        200,
        "hold",
        "interviewer",
    )
    assert post_api(interviewer, invitation, **body).json()["code"] == "already_decided"


def test_decision_page_warns_of_a_strong_no(client, invitation, interviewer, member):
    scorecard_submitted(invitation.chat, member, recommendation="strong_no")
    client.force_login(interviewer)
    body = client.get(reverse("invitation_review", args=[invitation.pk])).content.decode()
    assert 'data-testid="strong-no-warning"' in body and "member" in body


def test_decision_page_records_the_decision(client, invitation, interviewer, member):
    scorecard_submitted(invitation.chat, member)
    client.force_login(interviewer)
    data = {"decision": "advance", "reason": "Clear yes from the panel."}
    response = client.post(reverse("invitation_decision", args=[invitation.pk]), data)
    assert (response.status_code, InvitedInterview.objects.get(pk=invitation.pk).decision) == (302, "advance")


def test_decision_page_unacknowledged_strong_no_shows_the_error(client, invitation, interviewer, member):
    scorecard_submitted(invitation.chat, member, recommendation="strong_no")
    client.force_login(interviewer)
    data = {"decision": "advance", "reason": "Fine."}
    response = client.post(reverse("invitation_decision", args=[invitation.pk]), data)
    assert (response.status_code, "acknowledge" in response.content.decode(), undecided(invitation)) == (
        400,
        True,
        True,
    )


def test_decision_page_before_any_scorecard_says_so(client, invitation, interviewer):
    client.force_login(interviewer)
    body = client.get(reverse("invitation_review", args=[invitation.pk])).content.decode()
    assert "once at least one scorecard is submitted" in body
