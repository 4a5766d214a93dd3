"""A template's follow-up policy and a bank question's guidance, through services, assembly, the API and the pages."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from interview.models import InterviewTemplate, Question
from interview.setup.assembly import PoolQuestion, key_question
from interview.setup.banks import question_create, question_update
from interview.setup.interview_templates import TemplateData, template_copy, template_create, template_key_questions
from tests.factories import QuestionBankFactory, QuestionFactory, TemplateFactory

pytestmark = pytest.mark.django_db

LIMITS = {"easy": 120, "medium": 180, "hard": 300}
BAD_VALUES = [-1, 4, "x", 10**20, 1.5, True]


@pytest.fixture
def bank(interviewer):
    bank = QuestionBankFactory(owner=interviewer)
    for difficulty in ("easy", "medium", "hard"):
        QuestionFactory.create_batch(3, question_bank=bank, difficulty=difficulty)
    return bank


def data(bank, **changes) -> TemplateData:
    base = {
        "name": "Policy screen",
        "difficulty": 3,
        "question_count": 3,
        "easy_percentage": 34,
        "medium_percentage": 33,
        "hard_percentage": 33,
        "banks": [bank],
    }
    return TemplateData(**(base | changes))


# --- Assembly: guidance travels with the key question --------------------------------------------


def test_key_question_carries_guidance():
    picked = key_question(PoolQuestion(7, "Why?", "easy", guidance="Names a trade-off."), LIMITS)
    assert picked["guidance"] == "Names a trade-off."


def test_key_question_without_guidance_has_no_guidance_key():
    assert "guidance" not in key_question(PoolQuestion(7, "Why?", "easy"), LIMITS)


def test_template_key_questions_carry_the_bank_questions_guidance(interviewer):
    bank = QuestionBankFactory(owner=interviewer)
    QuestionFactory(question_bank=bank, difficulty="medium", text="Design a cache.", guidance="Covers eviction.")
    template = TemplateFactory(
        user=interviewer, question_count=1, easy_percentage=0, medium_percentage=100, hard_percentage=0
    )
    template.question_banks.add(bank)
    assert template_key_questions(template, seed=0)[0]["guidance"] == "Covers eviction."


# --- Bank question services ----------------------------------------------------------------------


def test_question_create_saves_trimmed_guidance(bank):
    question = question_create(bank=bank, text="Why Django?", difficulty="easy", guidance="  Names ORM, admin.  ")
    question.refresh_from_db()
    assert question.guidance == "Names ORM, admin."


def test_question_update_changes_guidance(bank):
    question = bank.questions.first()
    question_update(question=question, text=question.text, difficulty="easy", guidance="A concrete example.")
    question.refresh_from_db()
    assert question.guidance == "A concrete example."


def test_question_create_overlong_guidance_saves_nothing(bank):
    before = Question.objects.count()
    with pytest.raises(ValidationError):
        question_create(bank=bank, text="Why Django?", difficulty="easy", guidance="x" * 2001)
    assert Question.objects.count() == before


# --- Template services -----------------------------------------------------------------------------


def test_template_create_saves_max_follow_ups(interviewer, bank):
    assert template_create(user=interviewer, data=data(bank, max_follow_ups=3)).max_follow_ups == 3


def test_template_create_defaults_max_follow_ups_to_one(interviewer, bank):
    assert template_create(user=interviewer, data=data(bank)).max_follow_ups == 1


@pytest.mark.parametrize("value", [-1, 4])
def test_template_create_refuses_max_follow_ups_out_of_range(interviewer, bank, value):
    with pytest.raises(ValidationError) as caught:
        template_create(user=interviewer, data=data(bank, max_follow_ups=value))
    assert "max_follow_ups" in caught.value.message_dict and not InterviewTemplate.objects.exists()


def test_template_copy_keeps_max_follow_ups(interviewer, bank):
    template = TemplateFactory(user=interviewer, max_follow_ups=0)
    assert template_copy(template=template, user=interviewer).max_follow_ups == 0


# --- Templates API ---------------------------------------------------------------------------------

URL = "/api/templates/"


def api_for(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def payload(bank, **changes):
    base = {
        "name": "API screen",
        "difficulty": 2,
        "question_count": 3,
        "easy_percentage": 34,
        "medium_percentage": 33,
        "hard_percentage": 33,
        "question_bank_ids": [bank.pk],
    }
    return base | changes


def test_templates_api_create_saves_max_follow_ups(interviewer, bank):
    response = api_for(interviewer).post(URL, payload(bank, max_follow_ups=2), format="json")
    assert (response.status_code, response.json()["max_follow_ups"]) == (201, 2)
    assert InterviewTemplate.objects.get().max_follow_ups == 2


def test_templates_api_create_without_max_follow_ups_defaults_to_one(interviewer, bank):
    assert api_for(interviewer).post(URL, payload(bank), format="json").json()["max_follow_ups"] == 1


@pytest.mark.parametrize("value", BAD_VALUES, ids=repr)
def test_templates_api_create_bad_max_follow_ups_400(interviewer, bank, value):
    response = api_for(interviewer).post(URL, payload(bank, max_follow_ups=value), format="json")
    assert response.status_code == 400 and "max_follow_ups" in response.json()
    assert not InterviewTemplate.objects.exists()


def test_templates_api_update_changes_max_follow_ups(interviewer, bank):
    template = template_create(user=interviewer, data=data(bank))
    response = api_for(interviewer).put(f"{URL}{template.pk}/", payload(bank, max_follow_ups=0), format="json")
    template.refresh_from_db()
    assert (response.status_code, template.max_follow_ups) == (200, 0)


def test_templates_api_read_shows_max_follow_ups(interviewer):
    template = TemplateFactory(user=interviewer, max_follow_ups=3)
    assert api_for(interviewer).get(f"{URL}{template.pk}/").json()["max_follow_ups"] == 3


# --- Setup pages -----------------------------------------------------------------------------------


@pytest.fixture
def as_interviewer(client, interviewer):
    client.force_login(interviewer)
    return client


def template_post(bank, **changes):
    base = {
        "name": "Backend screen",
        "difficulty": "3",
        "question_count": "3",
        "easy_percentage": "34",
        "medium_percentage": "33",
        "hard_percentage": "33",
        "question_banks": [str(bank.pk)],
        "max_follow_ups": "2",
    }
    return base | changes


def test_template_form_page_shows_the_policy_field(as_interviewer):
    page = as_interviewer.get(reverse("template_create")).content.decode()
    assert "Follow-up questions per key question (0-3)" in page and "every candidate" in page


def test_template_create_page_saves_max_follow_ups(as_interviewer, bank):
    response = as_interviewer.post(reverse("template_create"), template_post(bank))
    assert response.status_code == 302 and InterviewTemplate.objects.get().max_follow_ups == 2


def test_template_create_page_empty_policy_is_one(as_interviewer, bank):
    as_interviewer.post(reverse("template_create"), template_post(bank, max_follow_ups=""))
    assert InterviewTemplate.objects.get().max_follow_ups == 1


@pytest.mark.parametrize("value", ["-1", "4", "x", str(10**20), "1.5"])
def test_template_create_page_bad_policy_is_a_field_error(as_interviewer, bank, value):
    response = as_interviewer.post(reverse("template_create"), template_post(bank, max_follow_ups=value))
    assert response.status_code == 400 and "max_follow_ups" in response.context["form"].errors
    assert not InterviewTemplate.objects.exists()


def test_template_edit_page_prefills_and_saves_max_follow_ups(as_interviewer, interviewer, bank):
    template = template_create(user=interviewer, data=data(bank, max_follow_ups=3))
    assert (
        as_interviewer.get(reverse("template_edit", args=[template.pk])).context["form"]["max_follow_ups"].value() == 3
    )
    as_interviewer.post(reverse("template_edit", args=[template.pk]), template_post(bank, max_follow_ups="0"))
    template.refresh_from_db()
    assert template.max_follow_ups == 0


def test_template_detail_page_shows_the_policy(as_interviewer, interviewer):
    template = TemplateFactory(user=interviewer, max_follow_ups=3)
    assert (
        "Up to 3 per key question"
        in as_interviewer.get(reverse("template_detail", args=[template.pk])).content.decode()
    )


def test_question_form_page_shows_the_guidance_field(as_interviewer, bank):
    page = as_interviewer.get(reverse("question_create", args=[bank.pk])).content.decode()
    assert "Guidance: what a strong answer covers" in page


def test_question_create_page_saves_guidance(as_interviewer, bank):
    form = {"text": "Why queues?", "difficulty": "easy", "interview_type": "", "tags": "", "guidance": "Back-pressure."}
    response = as_interviewer.post(reverse("question_create", args=[bank.pk]), form)
    assert response.status_code == 302 and Question.objects.get(text="Why queues?").guidance == "Back-pressure."


def test_question_create_page_overlong_guidance_is_a_field_error(as_interviewer, bank):
    form = {"text": "Why queues?", "difficulty": "easy", "guidance": "x" * 2001}
    response = as_interviewer.post(reverse("question_create", args=[bank.pk]), form)
    assert response.status_code == 400 and "guidance" in response.context["form"].errors
    assert not Question.objects.filter(text="Why queues?").exists()


def test_question_edit_page_prefills_and_saves_guidance(as_interviewer, bank):
    question = bank.questions.first()
    question.guidance = "Old guidance."
    question.save()
    assert as_interviewer.get(reverse("question_edit", args=[question.pk])).context["form"]["guidance"].value() == (
        "Old guidance."
    )
    form = {"text": question.text, "difficulty": question.difficulty, "guidance": ""}
    as_interviewer.post(reverse("question_edit", args=[question.pk]), form)
    question.refresh_from_db()
    assert question.guidance == ""


def test_bank_detail_page_shows_guidance(as_interviewer, bank):
    question = bank.questions.first()
    question.guidance = "Mentions idempotency."
    question.save()
    assert "Mentions idempotency." in as_interviewer.get(reverse("bank_detail", args=[bank.pk])).content.decode()
