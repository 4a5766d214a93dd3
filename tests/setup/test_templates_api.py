"""The templates API: who may read, create, change, copy and delete templates."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from interview.models import InterviewTemplate
from tests.factories import QuestionBankFactory, QuestionFactory, TemplateFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = "/api/templates/"


@pytest.fixture
def bank(interviewer):
    bank = QuestionBankFactory(owner=interviewer)
    for difficulty in ("easy", "medium", "hard"):
        QuestionFactory.create_batch(3, question_bank=bank, difficulty=difficulty)
    return bank


def api_for(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def payload(bank, **changes):
    base = {
        "name": "API screen",
        "difficulty": 2,
        "question_count": 6,
        "easy_percentage": 50,
        "medium_percentage": 25,
        "hard_percentage": 25,
        "tags": [],
        "question_bank_ids": [bank.pk],
    }
    return base | changes


def test_templates_api_create_returns_to_dict(interviewer, bank):
    response = api_for(interviewer).post(URL, payload(bank), format="json")
    assert response.status_code == 201
    assert response.json() == InterviewTemplate.objects.get().to_dict()


def test_templates_api_create_refuses_candidates(user, bank):
    assert api_for(user).post(URL, payload(bank), format="json").status_code == 403


def test_templates_api_create_percentages_400(interviewer, bank):
    response = api_for(interviewer).post(URL, payload(bank, hard_percentage=50), format="json")
    assert response.status_code == 400 and "they add up to 125" in response.json()["non_field_errors"][0]


def test_templates_api_create_shortage_400(interviewer, bank):
    response = api_for(interviewer).post(URL, payload(bank, question_count=20), format="json")
    assert response.status_code == 400
    assert "needs 10 easy questions, has 3" in response.json()["question_count"][0]


def test_templates_api_create_with_invisible_bank_400(interviewer):
    hidden = QuestionBankFactory(owner=UserFactory())
    response = api_for(interviewer).post(URL, payload(hidden), format="json")
    assert response.status_code == 400 and "question_bank_ids" in response.json()


def test_templates_api_list_for_candidate_shows_public_only(user, interviewer):
    public = TemplateFactory(user=interviewer, is_public=True)
    TemplateFactory(user=interviewer)
    ids = [t["id"] for t in api_for(user).get(URL).json()["results"]]
    assert ids == [public.pk]


def test_templates_api_update_anothers_public_template_403(interviewer, bank):
    theirs = TemplateFactory(user=UserFactory(role="interviewer"), is_public=True)
    response = api_for(interviewer).put(f"{URL}{theirs.pk}/", payload(bank), format="json")
    assert response.status_code == 403


def test_templates_api_update_anothers_private_template_404(interviewer, bank):
    theirs = TemplateFactory(user=UserFactory(role="interviewer"))
    assert api_for(interviewer).put(f"{URL}{theirs.pk}/", payload(bank), format="json").status_code == 404


def test_templates_api_update_own(interviewer, bank):
    mine = TemplateFactory(user=interviewer)
    api_for(interviewer).put(f"{URL}{mine.pk}/", payload(bank, name="Renamed"), format="json")
    assert InterviewTemplate.objects.get(pk=mine.pk).name == "Renamed"


def test_templates_api_delete_own(interviewer):
    mine = TemplateFactory(user=interviewer)
    assert api_for(interviewer).delete(f"{URL}{mine.pk}/").status_code == 204


def test_templates_api_copy_public_template(interviewer):
    theirs = TemplateFactory(user=UserFactory(role="interviewer"), is_public=True)
    response = api_for(interviewer).post(f"{URL}{theirs.pk}/copy/")
    assert response.status_code == 201 and response.json()["owner"] == "interviewer"
