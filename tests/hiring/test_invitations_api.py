"""/api/invitations/: invite, list, read, start with the token, review, and the errors of each."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from rest_framework.test import APIClient

from interview.hiring import services as inv
from interview.models import InvitedInterview
from tests.factories import UserFactory
from tests.hiring.helpers import fillable_template, invitation_with_token, verified_user

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("offline_llm")]


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def ada():
    return verified_user("ada")


@pytest.fixture
def pending(interviewer, ada):
    return invitation_with_token(interviewer=interviewer, email=ada.email)


def payload(template, **kwargs):
    fields = {
        "candidate_email": "ada@example.com",
        "template": template.pk,
        "scheduled_time": (timezone.now() + timedelta(days=1)).isoformat(),
        "duration_minutes": 45,
    }
    return fields | kwargs


def test_invitations_api_create(api, interviewer):
    api.force_authenticate(interviewer)
    response = api.post("/api/invitations/", payload(fillable_template(interviewer)), format="json")
    assert (response.status_code, response.json()["status"], response.json()["emailed"]) == (201, "pending", True)


def test_invitations_api_create_never_returns_the_token(api, interviewer):
    api.force_authenticate(interviewer)
    body = api.post("/api/invitations/", payload(fillable_template(interviewer)), format="json").content.decode()
    token = mail.outbox[0].body.split("/invite/")[1].split("/")[0]
    assert token not in body and "token" not in body


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"duration_minutes": 5}, "duration_minutes"),
        ({"duration_minutes": 500}, "duration_minutes"),
        ({"candidate_email": "bad"}, "candidate_email"),
        ({"scheduled_time": "2001-01-01T00:00:00Z"}, "scheduled_time"),
    ],
)
def test_invitations_api_create_bad_input_is_400(api, interviewer, changes, field):
    api.force_authenticate(interviewer)
    response = api.post("/api/invitations/", payload(fillable_template(interviewer), **changes), format="json")
    assert (response.status_code, field in response.json(), InvitedInterview.objects.count()) == (400, True, 0)


def test_invitations_api_list_filters_by_status(api, interviewer, pending):
    api.force_authenticate(interviewer)
    assert api.get("/api/invitations/?status=completed").json()["count"] == 0


def test_invitations_api_start(api, ada, pending):
    api.force_authenticate(ada)
    response = api.post("/api/invitations/start/", {"token": pending[1]}, format="json")
    assert (response.status_code, response.json()["invitation"]["status"]) == (200, "in_progress")


def test_invitations_api_start_tampered_token_is_404(api, ada, pending):
    api.force_authenticate(ada)
    assert api.post("/api/invitations/start/", {"token": "x" + pending[1]}, format="json").status_code == 404


def test_invitations_api_start_unverified_is_403(api, interviewer):
    bob = UserFactory(username="bob")
    _, token = invitation_with_token(interviewer=interviewer, email=bob.email)
    api.force_authenticate(bob)
    assert api.post("/api/invitations/start/", {"token": token}, format="json").status_code == 403


def test_invitations_api_start_before_the_window_is_409(api, interviewer, ada):
    _, token = invitation_with_token(
        interviewer=interviewer, email=ada.email, scheduled_time=timezone.now() + timedelta(hours=2)
    )
    api.force_authenticate(ada)
    assert api.post("/api/invitations/start/", {"token": token}, format="json").status_code == 409


@pytest.fixture
def completed(pending, ada):
    started = inv.invitation_start(token=pending[1], user=ada, now=timezone.now())
    inv.invitation_complete(chat_id=started.chat_id, now=timezone.now())
    return started


def test_invitations_api_review(api, interviewer, completed):
    api.force_authenticate(interviewer)
    response = api.post(f"/api/invitations/{completed.pk}/review/", {"feedback": "Nice"}, format="json")
    assert (response.json()["status"], response.json()["feedback"]) == ("reviewed", "Nice")


def test_invitations_api_review_without_feedback_is_400(api, interviewer, completed):
    api.force_authenticate(interviewer)
    assert api.post(f"/api/invitations/{completed.pk}/review/", {"feedback": ""}, format="json").status_code == 400


def test_invitations_api_review_twice_is_409(api, interviewer, completed):
    api.force_authenticate(interviewer)
    api.post(f"/api/invitations/{completed.pk}/review/", {"feedback": "Nice"}, format="json")
    assert api.post(f"/api/invitations/{completed.pk}/review/", {"feedback": "Again"}, format="json").status_code == 409


def test_invitations_api_candidate_sees_no_draft_feedback(api, ada, interviewer, completed):
    inv.invitation_review(
        invitation_id=completed.pk, user=interviewer, feedback="Draft", publish=False, now=timezone.now()
    )
    api.force_authenticate(ada)
    assert api.get(f"/api/invitations/{completed.pk}/").json()["feedback"] is None


def test_invitations_api_candidate_sees_published_feedback(api, ada, interviewer, completed):
    inv.invitation_review(
        invitation_id=completed.pk, user=interviewer, feedback="Good", publish=True, now=timezone.now()
    )
    api.force_authenticate(ada)
    assert api.get(f"/api/invitations/{completed.pk}/").json()["feedback"] == "Good"


def test_invitations_api_candidate_with_changed_email_loses_access(api, ada, completed):
    ada.email = "ada.elsewhere@example.com"
    ada.save()
    api.force_authenticate(ada)
    assert api.get(f"/api/invitations/{completed.pk}/").status_code == 404
