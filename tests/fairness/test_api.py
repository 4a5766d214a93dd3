"""The API: /api/fairness/check/ and the 400 of a guarded save (code, detail, terms, field)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from interview.models import InvitedInterview
from tests.fairness.helpers import BIASED, WARNED
from tests.scoring.helpers import panel_world

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("library", "offline_llm")]
CHECK = "/api/fairness/check/"


@pytest.fixture
def world():
    return panel_world(submitted=("author",))


def _api(user) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


def test_check_post_returns_flags_with_positions(world):
    body = _api(world.users["author"]).post(CHECK, {"text": BIASED}, format="json").json()
    assert body["blocked"] is True and body["needs_confirmation"] is False
    (flag,) = body["flags"]
    assert {k: flag[k] for k in ("term", "category", "severity")} == {"term": "too old", "category": "age",
                                                                       "severity": "block"}  # fmt: skip
    assert BIASED[flag["start"] : flag["end"]] == "too old" and flag["explanation"]


def test_check_get_reads_the_query(world):
    body = _api(world.users["author"]).get(CHECK, {"text": WARNED}).json()
    assert (body["blocked"], body["needs_confirmation"]) == (False, True)


def test_check_clean_text_has_no_flags(world):
    assert _api(world.users["author"]).get(CHECK, {"text": "Page manager"}).json()["flags"] == []


def test_check_refuses_candidates(world):
    assert _api(world.users["candidate"]).post(CHECK, {"text": BIASED}, format="json").status_code == 403


def test_check_without_text_is_a_clear_400(world):
    response = _api(world.users["author"]).post(CHECK, {}, format="json")
    assert response.status_code == 400 and "text" in response.json()


def test_review_api_refuses_with_code_and_terms(world):
    url = reverse("api-invitation-review", args=[world.invitation.pk])
    response = _api(world.users["author"]).post(url, {"feedback": BIASED}, format="json")
    body = response.json()
    assert (response.status_code, body["code"], body["field"]) == (400, "biased_language", "feedback")
    assert [t["term"] for t in body["terms"]] == ["too old"] and set(body["terms"][0]) == {
        "term", "category", "severity", "explanation"}  # fmt: skip
    assert InvitedInterview.objects.get(pk=world.invitation.pk).interviewer_feedback == ""


def test_review_api_warning_then_confirm(world):
    url = reverse("api-invitation-review", args=[world.invitation.pk])
    api = _api(world.users["author"])
    assert api.post(url, {"feedback": WARNED}, format="json").json()["code"] == "confirm_language"
    assert api.post(url, {"feedback": WARNED, "confirm_language": True}, format="json").status_code == 200


def test_decision_api_refuses_with_terms(world):
    url = reverse("api-invitation-decision", args=[world.invitation.pk])
    data = {"decision": "hold", "reason": "Not a culture match: too young.", "acknowledge_strong_no": True}
    body = _api(world.users["author"]).post(url, data, format="json").json()
    assert (body["code"], body["terms"][0]["term"]) == ("biased_language", "too young")


def test_scorecard_api_refuses_with_field(world):
    url = reverse("api-scorecards", args=[world.chat.pk])
    data = {"scores": {"clarity": {"score": 2, "comment": "Broken English."}}}
    response = _api(world.users["member"]).post(url, data, format="json")
    assert (response.status_code, response.json()["code"], response.json()["field"]) == (
        400, "biased_language", "comment_clarity")  # fmt: skip


def test_override_api_refuses_with_terms(world):
    url = reverse("api-report-overrides", args=[world.chat.pk])
    data = {"question": 1, "score": 4, "reason": "Overweight; seemed tired."}
    response = _api(world.users["author"]).post(url, data, format="json")
    assert (response.status_code, response.json()["code"], response.json()["terms"][0]["term"]) == (
        400, "biased_language", "overweight")  # fmt: skip


def test_override_api_warning_confirmed(world):
    url = reverse("api-report-overrides", args=[world.chat.pk])
    data = {"question": 1, "score": 4, "reason": WARNED}
    api = _api(world.users["author"])
    assert api.post(url, data, format="json").json()["code"] == "confirm_language"
    assert api.post(url, {**data, "confirm_language": True}, format="json").status_code == 201
