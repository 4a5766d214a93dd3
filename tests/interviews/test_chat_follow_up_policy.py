"""A chat's follow-up policy: copied from its template (practice and invited), else given or 1; guidance kept private.

Through chat_create, POST /api/chats/, the new-interview page and an invitation's start.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from interview.hiring import services as inv
from interview.interviews.chats import chat_create, follow_up_policy_for
from interview.models import Chat
from tests.factories import JobListingFactory, QuestionBankFactory, QuestionFactory, TemplateFactory
from tests.hiring.helpers import NOW, fillable_template, invitation_with_token, verified_user

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("offline_llm")]

URL = "/api/chats/"
BAD_VALUES = [-1, 4, "x", 10**20, 1.5, True]


@pytest.fixture
def template(interviewer):
    """A public template allowing 3 follow-ups, whose one bank question carries guidance."""
    bank = QuestionBankFactory(owner=interviewer, is_shared=True)
    QuestionFactory(question_bank=bank, difficulty="medium", text="Design a rate limiter.", guidance="Token bucket.")
    QuestionFactory.create_batch(2, question_bank=bank, difficulty="medium")
    template = TemplateFactory(
        user=interviewer,
        is_public=True,
        question_count=3,
        easy_percentage=0,
        medium_percentage=100,
        hard_percentage=0,
        max_follow_ups=3,
    )
    template.question_banks.add(bank)
    return template


def create(user, **kwargs):
    return chat_create(user=user, **({"title": "Practice", "type": "GEN", "difficulty": 5} | kwargs))


# --- chat_create -----------------------------------------------------------------------------------


def test_follow_up_policy_for_a_template_is_its_max_follow_ups(interviewer):
    assert follow_up_policy_for(TemplateFactory(user=interviewer, max_follow_ups=0)) == 0


def test_follow_up_policy_for_no_template_is_one():
    assert follow_up_policy_for(None) == 1


def test_chat_create_from_a_template_copies_its_policy(user, template):
    assert create(user, template_id=template.pk).max_follow_ups == 3


def test_chat_create_without_a_template_defaults_to_one(user):
    assert create(user).max_follow_ups == 1


@pytest.mark.parametrize("value", [0, 2, 3])
def test_chat_create_without_a_template_takes_the_given_policy(user, value):
    assert create(user, max_follow_ups=value).max_follow_ups == value


def test_chat_create_with_a_template_accepts_the_same_policy(user, template):
    assert create(user, template_id=template.pk, max_follow_ups=3).max_follow_ups == 3


def test_chat_create_with_a_template_refuses_another_policy(user, template):
    with pytest.raises(ValidationError) as caught:
        create(user, template_id=template.pk, max_follow_ups=1)
    assert "every candidate" in caught.value.message_dict["max_follow_ups"][0]
    assert not Chat.objects.exists()


@pytest.mark.parametrize("value", [-1, 4, True, "2", 1.0])
def test_chat_create_refuses_a_bad_policy(user, value):
    with pytest.raises(ValidationError) as caught:
        create(user, max_follow_ups=value)
    assert "max_follow_ups" in caught.value.message_dict and not Chat.objects.exists()


def test_chat_create_from_a_recommended_template_copies_its_policy(user, template):
    job = JobListingFactory(user=user, recommended_template=template)
    assert create(user, job_listing_id=job.pk).max_follow_ups == 3


def test_chat_create_from_a_recommended_template_keeps_an_explicit_policy(user, template):
    job = JobListingFactory(user=user, recommended_template=template)
    assert create(user, job_listing_id=job.pk, max_follow_ups=0).max_follow_ups == 0


def test_chat_create_copies_guidance_into_key_questions(user, template):
    questions = create(user, template_id=template.pk).key_questions
    by_text = {q["question"]: q for q in questions}
    assert by_text["Design a rate limiter."]["guidance"] == "Token bucket."


def test_chat_create_leaves_guidance_out_when_the_question_has_none(user, template):
    questions = create(user, template_id=template.pk).key_questions
    assert [q for q in questions if q["question"] != "Design a rate limiter." and "guidance" in q] == []


# --- Invitations -----------------------------------------------------------------------------------


def test_invitation_start_chat_takes_the_templates_policy(interviewer):
    ada = verified_user("ada")
    _, token = invitation_with_token(
        interviewer=interviewer,
        email=ada.email,
        scheduled_time=NOW,
        template=fillable_template(interviewer, max_follow_ups=0),
    )
    chat = inv.invitation_start(token=token, user=ada, now=NOW + timedelta(minutes=1)).chat
    assert chat.max_follow_ups == 0


# --- POST /api/chats/ ------------------------------------------------------------------------------


@pytest.fixture
def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def body(**changes):
    return {"title": "API practice", "type": "SKL", "difficulty": 4} | changes


def test_chats_api_create_shows_max_follow_ups(api):
    assert api.post(URL, body(), format="json").json()["max_follow_ups"] == 1


def test_chats_api_create_takes_max_follow_ups(api):
    response = api.post(URL, body(max_follow_ups=0), format="json")
    assert (response.status_code, Chat.objects.get().max_follow_ups) == (201, 0)


def test_chats_api_create_null_max_follow_ups_is_the_default(api):
    assert api.post(URL, body(max_follow_ups=None), format="json").json()["max_follow_ups"] == 1


def test_chats_api_create_from_a_template_copies_its_policy(api, template):
    assert api.post(URL, body(template=template.pk), format="json").json()["max_follow_ups"] == 3


@pytest.mark.parametrize("value", BAD_VALUES, ids=repr)
def test_chats_api_create_bad_max_follow_ups_400(api, value):
    response = api.post(URL, body(max_follow_ups=value), format="json")
    assert response.status_code == 400 and "max_follow_ups" in response.json()
    assert not Chat.objects.exists()


def test_chats_api_create_policy_against_the_template_400(api, template):
    response = api.post(URL, body(template=template.pk, max_follow_ups=1), format="json")
    assert response.status_code == 400 and "every candidate" in response.json()["max_follow_ups"][0]
    assert not Chat.objects.exists()


def test_chats_api_candidate_never_sees_guidance(api, user, template):
    chat = create(user, template_id=template.pk)
    chat.key_questions = [q | {"status": "asked"} for q in chat.key_questions]  # every question started
    chat.save()
    questions = api.get(f"{URL}{chat.pk}/").json()["key_questions"]
    assert len(questions) == 3 and all("guidance" not in q for q in questions)


def test_chats_api_observer_sees_guidance(admin_user, user, template):
    chat = create(user, template_id=template.pk)
    client = APIClient()
    client.force_authenticate(admin_user)
    questions = client.get(f"{URL}{chat.pk}/").json()["key_questions"]
    assert "Token bucket." in [q.get("guidance") for q in questions]


# --- The new-interview page ------------------------------------------------------------------------


@pytest.fixture
def as_user(client, user):
    client.force_login(user)
    return client


def form(**changes):
    return {"title": "Morning practice", "type": "GEN", "difficulty": "5"} | changes


def test_interview_new_page_shows_the_policy_field(as_user):
    assert "Follow-up questions per key question (0-3)" in as_user.get(reverse("interview_new")).content.decode()


def test_interview_new_page_saves_the_policy_without_a_template(as_user):
    response = as_user.post(reverse("interview_new"), form(max_follow_ups="2"))
    assert response.status_code == 302 and Chat.objects.get().max_follow_ups == 2


def test_interview_new_page_empty_policy_is_one(as_user):
    as_user.post(reverse("interview_new"), form(max_follow_ups=""))
    assert Chat.objects.get().max_follow_ups == 1


def test_interview_new_page_with_a_template_takes_the_templates_policy(as_user, template):
    as_user.post(reverse("interview_new"), form(template=template.pk, max_follow_ups="1"))
    assert Chat.objects.get().max_follow_ups == 3


@pytest.mark.parametrize("value", ["-1", "4", "x", str(10**20)])
def test_interview_new_page_bad_policy_is_a_field_error(as_user, value):
    response = as_user.post(reverse("interview_new"), form(max_follow_ups=value))
    assert response.status_code == 400 and "max_follow_ups" in response.context["form"].errors
    assert not Chat.objects.exists()
