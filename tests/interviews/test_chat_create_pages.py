"""The new-interview page and the interview list."""

from __future__ import annotations

import pytest
from django.urls import reverse

from interview.models import Chat
from interview.setup.selectors import chat_list_for_user, url_or_none
from tests.factories import (
    ChatFactory,
    JobListingFactory,
    QuestionBankFactory,
    QuestionFactory,
    ResumeFactory,
    TemplateFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _offline(offline_llm):
    """No model: questions come from templates or banks."""


@pytest.fixture
def as_user(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def template(interviewer):
    bank = QuestionBankFactory(owner=interviewer, is_shared=True)
    QuestionFactory.create_batch(3, question_bank=bank, difficulty="easy")
    template = TemplateFactory(
        user=interviewer, is_public=True, question_count=3, easy_percentage=100, medium_percentage=0, hard_percentage=0
    )
    template.question_banks.add(bank)
    return template


def form(**changes):
    return {"title": "Morning practice", "type": "GEN", "difficulty": "5"} | changes


# --- New interview --------------------------------------------------------------------------------


def test_interview_new_offers_public_templates(as_user, template):
    assert template in as_user.get(reverse("interview_new")).context["form"].fields["template"].queryset


def test_interview_new_hides_private_templates(as_user, interviewer):
    private = TemplateFactory(user=interviewer)
    assert private not in as_user.get(reverse("interview_new")).context["form"].fields["template"].queryset


def test_interview_new_creates_and_opens_live_page(as_user, template):
    response = as_user.post(reverse("interview_new"), form(template=template.pk))
    chat = Chat.objects.get()
    assert response["Location"] == reverse("interview_live", kwargs={"chat_id": chat.pk})
    assert len(chat.key_questions) == 3


def test_interview_new_long_title_shows_error(as_user):
    response = as_user.post(reverse("interview_new"), form(title="x" * 10_000))
    assert response.status_code == 400
    assert "Ensure this value has at most 50 characters (it has 10000)." in response.content.decode()
    assert not Chat.objects.exists()


def test_interview_new_anothers_template_is_form_error(as_user, interviewer):
    private = TemplateFactory(user=interviewer)
    response = as_user.post(reverse("interview_new"), form(template=private.pk))
    assert response.status_code == 400 and "template" in response.context["form"].errors
    assert not Chat.objects.exists()


def test_interview_new_shortage_shows_message(as_user, template):
    template.question_count = 5
    template.save()
    response = as_user.post(reverse("interview_new"), form(template=template.pk))
    assert response.status_code == 400 and "needs 5 easy questions, has 3" in response.content.decode()


def test_interview_new_from_job_listing_link_prefills_listing_and_title(as_user, user):
    listing = JobListingFactory(user=user, title="Django developer at Hirely")
    form = as_user.get(reverse("interview_new"), {"job_listing": listing.pk}).context["form"]
    assert (form.initial["job_listing"], form.initial["title"]) == (listing.pk, "Django developer at Hirely")


def test_interview_new_from_job_listing_link_picks_newest_resume(as_user, user):
    ResumeFactory(user=user)
    newest = ResumeFactory(user=user)
    listing = JobListingFactory(user=user)
    assert as_user.get(reverse("interview_new"), {"job_listing": listing.pk}).context["form"].initial["resume"] == (
        newest.pk
    )


def test_interview_new_ignores_link_to_anothers_job_listing(as_user):
    listing = JobListingFactory()
    assert as_user.get(reverse("interview_new"), {"job_listing": listing.pk}).context["form"].initial == {}


def test_interview_new_requires_login(client):
    assert client.get(reverse("interview_new"))["Location"].startswith(reverse("login"))


# --- Interview list -------------------------------------------------------------------------------


def test_interview_list_empty_state(as_user):
    assert "No interviews yet" in as_user.get(reverse("interview_list")).content.decode()


def test_interview_list_shows_status_badges(as_user, user):
    ChatFactory(user=user, status=Chat.IN_PROGRESS)
    ChatFactory(user=user, status=Chat.COMPLETED)
    content = as_user.get(reverse("interview_list")).content.decode()
    assert "In progress" in content and "Completed" in content


def test_interview_list_only_own_chats(as_user, user):
    ChatFactory(user=UserFactory(), title="Not mine")
    assert "Not mine" not in as_user.get(reverse("interview_list")).content.decode()


def test_interview_list_continue_link(user):
    chat = ChatFactory(user=user, status=Chat.IN_PROGRESS)
    assert chat_list_for_user(user)[0].continue_url == reverse("interview_live", kwargs={"chat_id": chat.pk})


def test_interview_list_no_observe_link_for_candidate(user):
    ChatFactory(user=user)
    assert chat_list_for_user(user)[0].observe_url is None


def test_interview_list_observe_link_for_admin(admin_user):
    chat = ChatFactory(user=admin_user)
    assert chat_list_for_user(admin_user)[0].observe_url == url_or_none("interview_observe", chat_id=chat.pk)


def test_interview_list_no_report_link_before_completion(user):
    ChatFactory(user=user, status=Chat.IN_PROGRESS)
    assert chat_list_for_user(user)[0].report_url is None


def test_url_or_none_for_missing_page():
    assert url_or_none("no_such_page", chat_id=1) is None
