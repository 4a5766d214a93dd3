"""The chats API: POST/GET /api/chats/ and GET/DELETE /api/chats/<id>/."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from interview.models import Chat
from tests.factories import (
    ChatFactory,
    InvitationFactory,
    JobListingFactory,
    QuestionBankFactory,
    QuestionFactory,
    ResumeFactory,
    TemplateFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

URL = "/api/chats/"


@pytest.fixture(autouse=True)
def _offline(offline_llm):
    """No model: questions come from templates or banks."""


@pytest.fixture
def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def template(interviewer):
    bank = QuestionBankFactory(owner=interviewer, is_shared=True)
    QuestionFactory.create_batch(4, question_bank=bank, difficulty="medium")
    template = TemplateFactory(
        user=interviewer, is_public=True, question_count=3, easy_percentage=0, medium_percentage=100, hard_percentage=0
    )
    template.question_banks.add(bank)
    return template


def body(**changes):
    return {"title": "API practice", "type": "SKL", "difficulty": 4} | changes


def test_chats_api_create_returns_201_with_key_questions(api, template):
    response = api.post(URL, body(template=template.pk), format="json")
    assert response.status_code == 201 and len(response.json()["key_questions"]) == 3


def test_chats_api_create_returns_chat_fields(api):
    data = api.post(URL, body(), format="json").json()
    assert {k: data[k] for k in ("title", "type", "difficulty", "status", "resume", "job_listing")} == {
        "title": "API practice", "type": "SKL", "difficulty": 4, "status": "not_started", "resume": None, "job_listing": None,
    }  # fmt: skip


def test_chats_api_create_links_own_documents(api, user):
    resume, job = ResumeFactory(user=user), JobListingFactory(user=user)
    data = api.post(URL, body(resume=resume.pk, job_listing=job.pk), format="json").json()
    assert (data["resume"], data["job_listing"]) == (resume.pk, job.pk)


def test_chats_api_create_long_title_is_400_with_field_error(api):
    response = api.post(URL, body(title="x" * 10_000), format="json")
    assert response.status_code == 400 and "title" in response.json()
    assert not Chat.objects.exists()


def test_chats_api_create_difficulty_11_is_400(api):
    assert api.post(URL, body(difficulty=11), format="json").status_code == 400


def test_chats_api_create_unknown_type_is_400(api):
    assert "type" in api.post(URL, body(type="ZZZ"), format="json").json()


def test_chats_api_create_anothers_template_is_404(api, interviewer):
    private = TemplateFactory(user=interviewer)
    assert api.post(URL, body(template=private.pk), format="json").status_code == 404
    assert not Chat.objects.exists()


def test_chats_api_create_anothers_resume_is_404(api):
    resume = ResumeFactory(user=UserFactory())
    assert api.post(URL, body(resume=resume.pk), format="json").status_code == 404


def test_chats_api_create_anothers_job_listing_is_404(api):
    job = JobListingFactory(user=UserFactory())
    assert api.post(URL, body(job_listing=job.pk), format="json").status_code == 404


def test_chats_api_create_template_shortage_is_400_with_message(api, template):
    template.question_count = 9
    template.save()
    response = api.post(URL, body(template=template.pk), format="json")
    assert response.status_code == 400
    assert "needs 9 medium questions, has 4" in response.json()["template"][0]
    assert not Chat.objects.exists()


def test_chats_api_requires_authentication():
    assert APIClient().get(URL).status_code == 401


def test_chats_api_list_shows_only_own(api, user):
    mine = ChatFactory(user=user)
    ChatFactory(user=UserFactory())
    assert [c["id"] for c in api.get(URL).json()["results"]] == [mine.pk]


def test_chats_api_retrieve_own_includes_messages(api, user):
    chat = ChatFactory(user=user, messages=[{"role": "assistant", "content": "Hi"}])
    assert api.get(f"{URL}{chat.pk}/").json()["messages"] == [{"role": "assistant", "content": "Hi"}]


def test_chats_api_retrieve_anothers_is_404(api):
    assert api.get(f"{URL}{ChatFactory(user=UserFactory()).pk}/").status_code == 404


def test_chats_api_retrieve_by_inviting_interviewer(user, interviewer):
    chat = ChatFactory(user=user)
    InvitationFactory(interviewer=interviewer, chat=chat)
    client = APIClient()
    client.force_authenticate(interviewer)
    assert client.get(f"{URL}{chat.pk}/").status_code == 200


def test_chats_api_delete_own_is_204(api, user):
    chat = ChatFactory(user=user)
    assert api.delete(f"{URL}{chat.pk}/").status_code == 204
    assert not Chat.objects.exists()


def test_chats_api_delete_anothers_is_404(api):
    chat = ChatFactory(user=UserFactory())
    assert api.delete(f"{URL}{chat.pk}/").status_code == 404
    assert Chat.objects.filter(pk=chat.pk).exists()


def test_chats_api_delete_by_observer_is_403(user, interviewer):
    chat = ChatFactory(user=user)
    InvitationFactory(interviewer=interviewer, chat=chat)
    client = APIClient()
    client.force_authenticate(interviewer)
    assert client.delete(f"{URL}{chat.pk}/").status_code == 403
