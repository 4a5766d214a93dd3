"""Role requests: a candidate asks for the interviewer role once at a time; an admin decides once."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from interview.accounts.roles import role_request_create, role_request_decide, role_request_decide_one
from interview.core.errors import ServiceError
from interview.models import RoleChangeRequest
from tests.factories import RoleChangeRequestFactory, UserFactory
from tests.hiring.helpers import NOW

pytestmark = pytest.mark.django_db


def role_of(user) -> str:
    user.profile.refresh_from_db()
    return user.profile.role


# --- Services ---------------------------------------------------------------------------------------


def test_role_request_create_records_a_pending_request(user):
    request = role_request_create(user=user, requested_role="interviewer", reason="  I hire  ")
    assert (request.status, request.requested_role, request.reason) == ("pending", "interviewer", "I hire")


def test_role_request_create_refuses_a_second_pending_request(user):
    role_request_create(user=user, requested_role="interviewer")
    with pytest.raises(ServiceError) as caught:
        role_request_create(user=user, requested_role="interviewer")
    assert (caught.value.code, RoleChangeRequest.objects.count()) == ("pending_exists", 1)


def test_role_request_create_allows_a_new_request_after_a_decision(user):
    RoleChangeRequestFactory(user=user, status="rejected")
    assert role_request_create(user=user, requested_role="interviewer").status == "pending"


def test_role_request_create_refuses_the_admin_role(user):
    with pytest.raises(ValidationError):
        role_request_create(user=user, requested_role="admin")


def test_role_request_create_refuses_interviewers(interviewer):
    with pytest.raises(ServiceError) as caught:
        role_request_create(user=interviewer, requested_role="interviewer")
    assert caught.value.code == "not_candidate"


def test_role_request_decide_approval_changes_the_role(user, admin_user):
    request = RoleChangeRequestFactory(user=user)
    role_request_decide_one(request_id=request.pk, decision="approved", reviewer=admin_user, now=NOW)
    assert role_of(user) == "interviewer"


def test_role_request_decide_records_who_when_and_notes(user, admin_user):
    request = RoleChangeRequestFactory(user=user)
    decided = role_request_decide_one(
        request_id=request.pk, decision="rejected", reviewer=admin_user, notes=" Not yet ", now=NOW
    )
    assert (decided.reviewed_by, decided.reviewed_at, decided.admin_notes) == (admin_user, NOW, "Not yet")


def test_role_request_decide_rejection_keeps_the_role(user, admin_user):
    request = RoleChangeRequestFactory(user=user)
    role_request_decide_one(request_id=request.pk, decision="rejected", reviewer=admin_user, now=NOW)
    assert role_of(user) == "candidate"


def test_role_request_decide_second_decision_is_refused(user, admin_user):
    request = RoleChangeRequestFactory(user=user)
    role_request_decide_one(request_id=request.pk, decision="rejected", reviewer=admin_user, now=NOW)
    with pytest.raises(ServiceError) as caught:
        role_request_decide_one(request_id=request.pk, decision="approved", reviewer=admin_user, now=NOW)
    assert (caught.value.code, role_of(user)) == ("already_decided", "candidate")


def test_role_request_decide_accepts_admin_queryset_joining_the_reviewer(user, admin_user):
    # The admin action passes its changelist queryset, which outer-joins the nullable reviewer.
    RoleChangeRequestFactory(user=user)
    queryset = RoleChangeRequest.objects.select_related("user", "reviewed_by")
    decided = role_request_decide(queryset=queryset, decision="approved", reviewer=admin_user, now=NOW)
    assert (len(decided), role_of(user)) == (1, "interviewer")


def test_role_request_decide_unknown_request_is_not_found(admin_user):
    with pytest.raises(ServiceError) as caught:
        role_request_decide_one(request_id=424242, decision="approved", reviewer=admin_user, now=NOW)
    assert caught.value.code == "not_found"


def test_role_request_decide_role_and_status_change_together(user, admin_user, monkeypatch):
    request = RoleChangeRequestFactory(user=user)

    def explode(self, *args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(RoleChangeRequest, "save", explode)
    with pytest.raises(RuntimeError):
        role_request_decide_one(request_id=request.pk, decision="approved", reviewer=admin_user, now=NOW)
    assert role_of(user) == "candidate"


def test_role_request_decide_never_demotes_an_admin(admin_user):
    promoted = UserFactory(username="promoted", role="admin")
    request = RoleChangeRequestFactory(user=promoted)
    role_request_decide(
        queryset=RoleChangeRequest.objects.filter(pk=request.pk), decision="approved", reviewer=admin_user, now=NOW
    )
    assert role_of(promoted) == "admin"


# --- Pages ------------------------------------------------------------------------------------------


def test_role_request_page_sends_a_request(client, user):
    client.force_login(user)
    client.post(reverse("role_request"), {"reason": "I lead a team."})
    assert RoleChangeRequest.objects.get().reason == "I lead a team."


def test_role_request_page_hides_the_form_while_pending(client, user):
    RoleChangeRequestFactory(user=user)
    client.force_login(user)
    assert "waiting for an admin" in client.get(reverse("role_request")).content.decode()


def test_role_request_page_second_post_shows_an_error(client, user):
    RoleChangeRequestFactory(user=user)
    client.force_login(user)
    response = client.post(reverse("role_request"), {"reason": "again"})
    assert (response.status_code, RoleChangeRequest.objects.count()) == (400, 1)


def test_role_request_admin_page_lists_pending_and_recent(client, admin_user):
    RoleChangeRequestFactory(user=UserFactory(username="waiting"))
    RoleChangeRequestFactory(user=UserFactory(username="decided"), status="approved", admin_notes="Welcome")
    client.force_login(admin_user)
    page = client.get(reverse("role_request_admin")).content.decode()
    assert "waiting" in page and "decided" in page and "Welcome" in page


def test_role_request_admin_page_empty_states(client, admin_user):
    client.force_login(admin_user)
    page = client.get(reverse("role_request_admin")).content.decode()
    assert "No pending requests." in page and "No decisions yet." in page


def test_role_request_decision_page_approves_with_notes(client, admin_user, user):
    request = RoleChangeRequestFactory(user=user)
    client.force_login(admin_user)
    client.post(reverse("role_request_decision", args=[request.pk]), {"decision": "approved", "admin_notes": "OK"})
    request.refresh_from_db()
    assert (request.status, request.admin_notes, role_of(user)) == ("approved", "OK", "interviewer")


def test_role_request_decision_page_second_decision_changes_nothing(client, admin_user, user):
    request = RoleChangeRequestFactory(user=user, status="rejected")
    client.force_login(admin_user)
    response = client.post(reverse("role_request_decision", args=[request.pk]), {"decision": "approved"}, follow=True)
    request.refresh_from_db()
    assert (request.status, role_of(user), "already rejected" in response.content.decode()) == (
        "rejected",
        "candidate",
        True,
    )


def test_role_request_decision_page_refuses_an_unknown_decision(client, admin_user, user):
    request = RoleChangeRequestFactory(user=user)
    client.force_login(admin_user)
    client.post(reverse("role_request_decision", args=[request.pk]), {"decision": "maybe"})
    request.refresh_from_db()
    assert request.status == "pending"


# --- API --------------------------------------------------------------------------------------------


@pytest.fixture
def api():
    return APIClient()


def test_role_requests_api_create(api, user):
    api.force_authenticate(user)
    response = api.post("/api/role-requests/", {"reason": "Hiring"}, format="json")
    assert (response.status_code, response.json()["status"]) == (201, "pending")


def test_role_requests_api_second_pending_is_409(api, user):
    RoleChangeRequestFactory(user=user)
    api.force_authenticate(user)
    assert api.post("/api/role-requests/", {}, format="json").status_code == 409


def test_role_requests_api_admin_role_is_400(api, user):
    api.force_authenticate(user)
    assert api.post("/api/role-requests/", {"requested_role": "admin"}, format="json").status_code == 400


def test_role_requests_api_lists_only_own_requests(api, user):
    RoleChangeRequestFactory(user=user)
    RoleChangeRequestFactory()
    api.force_authenticate(user)
    assert [r["user"] for r in api.get("/api/role-requests/").json()["results"]] == ["candidate"]


def test_role_requests_api_admin_filters_by_status(api, admin_user):
    RoleChangeRequestFactory()
    RoleChangeRequestFactory(status="approved")
    api.force_authenticate(admin_user)
    assert api.get("/api/role-requests/?status=pending").json()["count"] == 1


def test_role_requests_api_approve(api, admin_user, user):
    request = RoleChangeRequestFactory(user=user)
    api.force_authenticate(admin_user)
    response = api.post(f"/api/role-requests/{request.pk}/approve/", {"admin_notes": "Go"}, format="json")
    assert (response.json()["status"], response.json()["admin_notes"], role_of(user)) == (
        "approved",
        "Go",
        "interviewer",
    )


def test_role_requests_api_second_decision_is_409(api, admin_user, user):
    request = RoleChangeRequestFactory(user=user, status="approved")
    api.force_authenticate(admin_user)
    response = api.post(f"/api/role-requests/{request.pk}/reject/", {}, format="json")
    request.refresh_from_db()
    assert (response.status_code, request.status) == (409, "approved")
