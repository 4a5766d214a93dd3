"""An invitation's panel: named at creation (service, page, API) or replaced later; refusals change nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from interview.core.errors import ErrorCode, ServiceError
from interview.hiring import services as inv
from interview.hiring.panel import panel_set
from interview.models import InvitedInterview
from tests.factories import InvitationFactory, UserFactory
from tests.hiring.helpers import NOW, fillable_template

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("offline_llm")]


@pytest.fixture
def template(interviewer):
    return fillable_template(interviewer)


@pytest.fixture
def colleagues():
    return [UserFactory(username=f"colleague{n}", role="interviewer") for n in range(6)]


def create(interviewer, template, panel):
    return inv.invitation_create(
        interviewer=interviewer, candidate_email="ada@example.com", template_id=template.pk,
        scheduled_time=NOW + timedelta(hours=2), duration_minutes=60, now=NOW, link_for=str, panel=panel,
    ).invitation  # fmt: skip


def refusal(interviewer, template, panel) -> str:
    with pytest.raises(ServiceError) as caught:
        create(interviewer, template, panel)
    assert not InvitedInterview.objects.exists()  # nothing saved, no email
    return caught.value.code


def test_invitation_create_names_the_panel_by_id_or_username(interviewer, template, colleagues):
    invitation = create(interviewer, template, [colleagues[0].pk, "colleague1", str(colleagues[2].pk)])
    assert set(invitation.panel.all()) == set(colleagues[:3])


def test_invitation_create_counts_a_repeated_member_once(interviewer, template, colleagues):
    assert create(interviewer, template, ["colleague0", colleagues[0].pk]).panel.count() == 1


def test_invitation_create_admin_may_sit_on_a_panel(interviewer, template, admin_user):
    assert list(create(interviewer, template, [admin_user.username]).panel.all()) == [admin_user]


def test_invitation_create_refuses_six_members(interviewer, template, colleagues):
    assert refusal(interviewer, template, [c.username for c in colleagues]) == ErrorCode.PANEL_TOO_LARGE


def test_invitation_create_refuses_a_candidate_on_the_panel(interviewer, template, user):
    assert refusal(interviewer, template, [user.username]) == ErrorCode.NOT_ON_PANEL


def test_invitation_create_refuses_the_creator_on_the_panel(interviewer, template):
    assert refusal(interviewer, template, [interviewer.pk]) == ErrorCode.INVALID


def test_invitation_create_refuses_the_invited_candidate_on_the_panel(interviewer, template):
    UserFactory(username="ada_int", role="interviewer", email="ada@example.com")
    assert refusal(interviewer, template, ["ada_int"]) == ErrorCode.INVALID


def test_invitation_create_refuses_an_unknown_user(interviewer, template):
    assert refusal(interviewer, template, ["nobody"]) == ErrorCode.NOT_FOUND


def test_invitation_create_refuses_an_inactive_interviewer(interviewer, template):
    UserFactory(username="gone", role="interviewer", is_active=False)
    assert refusal(interviewer, template, ["gone"]) == ErrorCode.NOT_ON_PANEL


def test_panel_set_replaces_the_panel(interviewer, colleagues):
    invitation = InvitationFactory(interviewer=interviewer)
    invitation.panel.add(colleagues[0])
    panel_set(invitation_id=invitation.pk, user=interviewer, panel=["colleague1"])
    assert list(invitation.panel.all()) == [colleagues[1]]


def test_panel_set_refuses_the_started_candidate(interviewer):
    candidate = UserFactory(username="cand_int", role="interviewer")
    invitation = InvitationFactory(interviewer=interviewer, candidate=candidate)
    with pytest.raises(ServiceError) as caught:
        panel_set(invitation_id=invitation.pk, user=interviewer, panel=[candidate.pk])
    assert (caught.value.code, invitation.panel.count()) == (ErrorCode.INVALID, 0)


def test_panel_set_by_a_member_is_not_found(interviewer, colleagues):
    invitation = InvitationFactory(interviewer=interviewer)
    invitation.panel.add(colleagues[0])
    with pytest.raises(ServiceError) as caught:
        panel_set(invitation_id=invitation.pk, user=colleagues[0], panel=[])
    assert (caught.value.code, invitation.panel.count()) == (ErrorCode.NOT_FOUND, 1)


def test_invitation_page_create_with_panel(client, interviewer, template, colleagues):
    client.force_login(interviewer)
    data = {
        "candidate_email": "ada@example.com", "template": template.pk, "duration_minutes": 60,
        "scheduled_time": (timezone.now() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
        "panel": "colleague0, colleague1",
    }  # fmt: skip
    assert client.post(reverse("invitation_create"), data).status_code == 302
    assert set(InvitedInterview.objects.get().panel.all()) == set(colleagues[:2])


def test_invitation_page_create_shows_panel_refusal_on_the_field(client, interviewer, template, colleagues):
    client.force_login(interviewer)
    data = {
        "candidate_email": "ada@example.com", "template": template.pk, "duration_minutes": 60,
        "scheduled_time": (timezone.now() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
        "panel": " ".join(c.username for c in colleagues),
    }  # fmt: skip
    response = client.post(reverse("invitation_create"), data)
    assert (response.status_code, "at most 5" in response.content.decode()) == (400, True)
    assert not InvitedInterview.objects.exists()


def api_create(user, template, panel):
    client = APIClient()
    client.force_authenticate(user)
    body = {
        "candidate_email": "ada@example.com", "template": template.pk, "duration_minutes": 60,
        "scheduled_time": (timezone.now() + timedelta(days=1)).isoformat(), "panel": panel,
    }  # fmt: skip
    return client.post("/api/invitations/", body, format="json")


def test_invitations_api_create_with_panel(interviewer, template, colleagues):
    response = api_create(interviewer, template, ["colleague0", colleagues[1].pk])
    assert (response.status_code, {m["username"] for m in response.json()["panel"]}) == (
        201,
        {"colleague0", "colleague1"},
    )


def test_invitations_api_create_panel_too_large_is_400_with_code(interviewer, template, colleagues):
    response = api_create(interviewer, template, [c.pk for c in colleagues])
    assert (response.status_code, response.json()["code"]) == (400, "panel_too_large")


def test_invitations_api_create_panel_of_candidates_is_403_not_on_panel(interviewer, template, user):
    response = api_create(interviewer, template, [user.pk])
    assert (response.status_code, response.json()["code"]) == (403, "not_on_panel")


def test_invitations_api_create_panel_not_a_list_is_400(interviewer, template):
    assert api_create(interviewer, template, "colleague0").status_code == 400


def test_invitations_api_member_reads_the_invitation(interviewer, colleagues):
    invitation = InvitationFactory(interviewer=interviewer)
    invitation.panel.add(colleagues[0])
    client = APIClient()
    client.force_authenticate(colleagues[0])
    assert [row["id"] for row in client.get("/api/invitations/").json()["results"]] == [invitation.pk]


def test_dashboard_lists_invitations_of_the_members_panel(client, interviewer, colleagues):
    invitation = InvitationFactory(interviewer=interviewer, candidate_email="panel-case@example.com")
    invitation.panel.add(colleagues[0])
    client.force_login(colleagues[0])
    assert "panel-case@example.com" in client.get(reverse("invitation_dashboard")).content.decode()


@pytest.mark.parametrize("ref", [10**30, "9" * 40, -3, 0])
def test_invitation_create_refuses_an_impossible_id_as_not_found(interviewer, template, ref):
    assert refusal(interviewer, template, [ref]) == ErrorCode.NOT_FOUND


def test_invitation_create_refuses_an_endless_panel_list(interviewer, template, colleagues):
    assert refusal(interviewer, template, ["colleague0"] * 51) == ErrorCode.PANEL_TOO_LARGE


def test_invitation_create_ignores_blank_names(interviewer, template, colleagues):
    assert create(interviewer, template, ["", " colleague0 "]).panel.count() == 1
