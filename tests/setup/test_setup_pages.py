"""The setup pages: who may see and change banks, questions and templates, and how errors show."""

from __future__ import annotations

import pytest
from django.urls import reverse

from interview.models import InterviewTemplate, Question, QuestionBank
from tests.factories import QuestionBankFactory, QuestionFactory, TemplateFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_interviewer(db):
    return UserFactory(username="colleague", role="interviewer")


@pytest.fixture
def bank(interviewer):
    bank = QuestionBankFactory(owner=interviewer, name="Mine")
    for difficulty in ("easy", "medium", "hard"):
        QuestionFactory.create_batch(3, question_bank=bank, difficulty=difficulty)
    return bank


@pytest.fixture
def as_interviewer(client, interviewer):
    client.force_login(interviewer)
    return client


def template_post(bank, **changes):
    data = {
        "name": "Backend screen",
        "description": "",
        "difficulty": "3",
        "question_count": "6",
        "easy_percentage": "34",
        "medium_percentage": "33",
        "hard_percentage": "33",
        "tags": "",
        "question_banks": [str(bank.pk)],
        "shared_with": "",
    }
    return data | changes


# --- Access ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["bank_list", "bank_create", "question_list", "tag_list", "template_list", "template_create"]
)
def test_setup_pages_refuse_candidates(client, user, name):
    client.force_login(user)
    assert client.get(reverse(name)).status_code == 403


def test_setup_pages_send_anonymous_users_to_login(client):
    assert client.get(reverse("bank_list"))["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    "name", ["bank_list", "bank_create", "question_list", "tag_list", "template_list", "template_create"]
)
def test_setup_pages_open_for_interviewers(as_interviewer, name):
    assert as_interviewer.get(reverse(name)).status_code == 200


def test_bank_list_empty_state(as_interviewer):
    assert "No question banks yet" in as_interviewer.get(reverse("bank_list")).content.decode()


# --- Banks ----------------------------------------------------------------------------------------


def test_bank_create_page_creates_own_bank(as_interviewer, interviewer):
    response = as_interviewer.post(reverse("bank_create"), {"name": "Go", "description": ""})
    assert response.status_code == 302 and QuestionBank.objects.get(name="Go").owner == interviewer


def test_bank_create_page_shows_errors(as_interviewer):
    response = as_interviewer.post(reverse("bank_create"), {"name": ""})
    assert response.status_code == 400 and "This field is required." in response.content.decode()


def test_bank_edit_of_another_interviewers_bank_is_404(as_interviewer, other_interviewer):
    theirs = QuestionBankFactory(owner=other_interviewer, is_shared=True)
    assert as_interviewer.post(reverse("bank_edit", args=[theirs.pk]), {"name": "Hijacked"}).status_code == 404


def test_shared_bank_is_readable_by_other_interviewers(as_interviewer, other_interviewer):
    theirs = QuestionBankFactory(owner=other_interviewer, is_shared=True)
    response = as_interviewer.get(reverse("bank_detail", args=[theirs.pk]))
    assert response.status_code == 200 and response.context["editable"] is False


def test_private_bank_of_another_is_404(as_interviewer, other_interviewer):
    theirs = QuestionBankFactory(owner=other_interviewer)
    assert as_interviewer.get(reverse("bank_detail", args=[theirs.pk])).status_code == 404


def test_admin_may_edit_any_bank(client, admin_user, other_interviewer):
    theirs = QuestionBankFactory(owner=other_interviewer)
    client.force_login(admin_user)
    client.post(reverse("bank_edit", args=[theirs.pk]), {"name": "Renamed by admin"})
    assert QuestionBank.objects.get(pk=theirs.pk).name == "Renamed by admin"


def test_bank_delete_page_deletes(as_interviewer, bank):
    as_interviewer.post(reverse("bank_delete", args=[bank.pk]))
    assert not QuestionBank.objects.filter(pk=bank.pk).exists()


def test_bank_detail_filters_by_tags_any(as_interviewer, bank):
    QuestionFactory(question_bank=bank, text="Tagged one").tags.create(name="python")
    response = as_interviewer.get(reverse("bank_detail", args=[bank.pk]), {"tags": "Python", "match": "any"})
    assert [q.text for q in response.context["questions"]] == ["Tagged one"]


def test_bank_detail_filters_empty_state(as_interviewer, bank):
    response = as_interviewer.get(reverse("bank_detail", args=[bank.pk]), {"q": "nothing like this"})
    assert "No question matches these filters." in response.content.decode()


# --- Questions ------------------------------------------------------------------------------------


def test_question_create_page_adds_tagged_question(as_interviewer, bank):
    data = {"text": "What is a descriptor?", "difficulty": "hard", "interview_type": "", "tags": "#Python, python"}
    as_interviewer.post(reverse("question_create", args=[bank.pk]), data)
    assert list(Question.objects.get(text="What is a descriptor?").tags.values_list("name", flat=True)) == ["Python"]


def test_question_create_in_anothers_bank_is_404(as_interviewer, other_interviewer):
    theirs = QuestionBankFactory(owner=other_interviewer, is_shared=True)
    data = {"text": "Sneaky?", "difficulty": "easy"}
    assert as_interviewer.post(reverse("question_create", args=[theirs.pk]), data).status_code == 404


def test_question_edit_in_anothers_bank_is_404(as_interviewer, other_interviewer):
    question = QuestionFactory(question_bank=QuestionBankFactory(owner=other_interviewer, is_shared=True))
    assert as_interviewer.get(reverse("question_edit", args=[question.pk])).status_code == 404


def test_question_delete_page_deletes(as_interviewer, bank):
    question = bank.questions.first()
    as_interviewer.post(reverse("question_delete", args=[question.pk]))
    assert not Question.objects.filter(pk=question.pk).exists()


# --- Templates ------------------------------------------------------------------------------------


def test_template_create_page_creates(as_interviewer, interviewer, bank):
    response = as_interviewer.post(reverse("template_create"), template_post(bank))
    assert response.status_code == 302 and InterviewTemplate.objects.get(name="Backend screen").user == interviewer


def test_template_create_page_percentages_error(as_interviewer, bank):
    data = template_post(bank, easy_percentage="50", medium_percentage="30", hard_percentage="30")
    response = as_interviewer.post(reverse("template_create"), data)
    assert response.status_code == 400 and "must add up to 100 (they add up to 110)" in response.content.decode()
    assert not InterviewTemplate.objects.exists()


def test_template_create_page_count_beyond_banks_error(as_interviewer, bank):
    response = as_interviewer.post(reverse("template_create"), template_post(bank, question_count="30"))
    assert response.status_code == 400 and "needs 10 easy questions, has 3" in response.content.decode()
    assert not InterviewTemplate.objects.exists()


def test_template_create_page_unknown_share_user_error(as_interviewer, bank):
    response = as_interviewer.post(reverse("template_create"), template_post(bank, shared_with="nobody"))
    assert response.status_code == 400 and "No user is called nobody." in response.content.decode()


def test_template_edit_of_anothers_template_is_404(as_interviewer, other_interviewer):
    theirs = TemplateFactory(user=other_interviewer, is_public=True)
    assert as_interviewer.get(reverse("template_edit", args=[theirs.pk])).status_code == 404


def test_template_delete_of_anothers_template_is_404(as_interviewer, other_interviewer):
    theirs = TemplateFactory(user=other_interviewer, is_public=True)
    assert as_interviewer.post(reverse("template_delete", args=[theirs.pk])).status_code == 404


def test_template_copy_page_copies_public_template(as_interviewer, interviewer, other_interviewer):
    theirs = TemplateFactory(user=other_interviewer, is_public=True)
    as_interviewer.post(reverse("template_copy", args=[theirs.pk]))
    assert InterviewTemplate.objects.get(user=interviewer).name == f"Copy of {theirs.name}"


def test_template_detail_shows_shortage(as_interviewer, interviewer, bank):
    template = TemplateFactory(
        user=interviewer, question_count=12, easy_percentage=0, medium_percentage=0, hard_percentage=100
    )
    template.question_banks.add(bank)
    response = as_interviewer.get(reverse("template_detail", args=[template.pk]))
    assert "needs 12 hard questions, has 3" in response.content.decode()


def test_template_detail_shows_sample(as_interviewer, interviewer, bank):
    template = TemplateFactory(user=interviewer, question_count=3)
    template.question_banks.add(bank)
    assert len(as_interviewer.get(reverse("template_detail", args=[template.pk])).context["preview"]) == 3


def test_template_detail_of_private_template_of_another_is_404(as_interviewer, other_interviewer):
    theirs = TemplateFactory(user=other_interviewer)
    assert as_interviewer.get(reverse("template_detail", args=[theirs.pk])).status_code == 404
