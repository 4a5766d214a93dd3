"""chat_create and chat_delete without an LLM: templates, recommendations, banks, visibility and bad input."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from interview.interviews.chats import NotFoundError, chat_create, chat_delete
from interview.models import Chat, TokenUsage
from interview.setup.key_questions import FALLBACK_QUESTIONS
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
    """No model: chats without a template take their questions from the banks."""


@pytest.fixture
def bank(interviewer):
    bank = QuestionBankFactory(owner=interviewer, is_shared=True)
    for difficulty in ("easy", "medium", "hard"):
        QuestionFactory.create_batch(4, question_bank=bank, difficulty=difficulty)
    return bank


@pytest.fixture
def template(interviewer, bank):
    template = TemplateFactory(
        user=interviewer, is_public=True, question_count=6, easy_percentage=50, medium_percentage=50, hard_percentage=0
    )
    template.question_banks.add(bank)
    return template


def create(user, **kwargs):
    return chat_create(user=user, **({"title": "Practice", "type": "GEN", "difficulty": 5} | kwargs))


# --- With a template ------------------------------------------------------------------------------


def test_chat_create_from_template_assembles_its_mix(user, template):
    chat = create(user, template_id=template.pk, seed=1)
    assert [q["difficulty"] for q in chat.key_questions] == ["easy"] * 3 + ["medium"] * 3


def test_chat_create_from_template_is_saved_not_started(user, template):
    chat = create(user, template_id=template.pk)
    assert Chat.objects.get(pk=chat.pk).status == Chat.NOT_STARTED


def test_chat_create_from_template_uses_its_question_ids(user, template, bank):
    chat = create(user, template_id=template.pk)
    assert {q["question_id"] for q in chat.key_questions} <= set(bank.questions.values_list("pk", flat=True))


def test_chat_create_from_shared_template(user, interviewer, bank):
    template = TemplateFactory(user=interviewer, question_count=2)
    template.question_banks.add(bank)
    template.shared_with.add(user)
    assert len(create(user, template_id=template.pk).key_questions) == 2


def test_chat_create_with_anothers_private_template_is_not_found(user, interviewer):
    private = TemplateFactory(user=interviewer)
    with pytest.raises(NotFoundError, match="No such template"):
        create(user, template_id=private.pk)
    assert not Chat.objects.exists()


def test_chat_create_with_unknown_template_is_not_found(user):
    with pytest.raises(NotFoundError):
        create(user, template_id=987654)


def test_chat_create_template_shortage_names_whats_missing(user, template):
    template.question_count = 12
    template.save()
    with pytest.raises(ValidationError) as caught:
        create(user, template_id=template.pk)
    message = caught.value.message_dict["template"][0]
    assert "needs 6 easy questions, has 4; needs 6 medium questions, has 4" in message
    assert not Chat.objects.exists()


# --- With a job listing ---------------------------------------------------------------------------


def test_chat_create_uses_job_listings_recommended_template(user, template):
    job = JobListingFactory(user=user, recommended_template=template)
    chat = create(user, job_listing_id=job.pk, seed=1)
    assert [q["difficulty"] for q in chat.key_questions] == ["easy"] * 3 + ["medium"] * 3


def test_chat_create_links_job_listing(user):
    job = JobListingFactory(user=user)
    assert create(user, job_listing_id=job.pk).job_listing == job


def test_chat_create_explicit_template_beats_recommendation(user, template, interviewer, bank):
    other = TemplateFactory(
        user=interviewer, is_public=True, question_count=2, easy_percentage=0, medium_percentage=0, hard_percentage=100
    )
    other.question_banks.add(bank)
    job = JobListingFactory(user=user, recommended_template=template)
    chat = create(user, job_listing_id=job.pk, template_id=other.pk)
    assert [q["difficulty"] for q in chat.key_questions] == ["hard", "hard"]


def test_chat_create_short_recommended_template_falls_back_to_banks(user, template, settings):
    template.question_count = 40
    template.save()
    job = JobListingFactory(user=user, recommended_template=template)
    assert len(create(user, job_listing_id=job.pk).key_questions) == settings.DEFAULT_KEY_QUESTION_COUNT


def test_chat_create_with_anothers_job_listing_is_not_found(user):
    with pytest.raises(NotFoundError, match="No such job listing"):
        create(user, job_listing_id=JobListingFactory(user=UserFactory()).pk)
    assert not Chat.objects.exists()


def test_chat_create_with_anothers_resume_is_not_found(user):
    with pytest.raises(NotFoundError, match="No such resume"):
        create(user, resume_id=ResumeFactory(user=UserFactory()).pk)


def test_chat_create_links_own_resume(user):
    resume = ResumeFactory(user=user)
    assert create(user, resume_id=resume.pk).resume == resume


# --- Without either: the banks (offline) ----------------------------------------------------------


def test_chat_create_offline_takes_questions_from_banks(user, bank, settings):
    chat = create(user)
    assert len(chat.key_questions) == settings.DEFAULT_KEY_QUESTION_COUNT
    assert all("question_id" in q for q in chat.key_questions)


def test_chat_create_offline_records_no_token_usage(user, bank):
    create(user)
    assert not TokenUsage.objects.exists()


def test_chat_create_offline_skips_other_interview_types(user, bank):
    QuestionFactory(question_bank=bank, text="Personality only?", interview_type="PER")
    chats = [create(user, type="SKL", seed=s) for s in range(10)]
    assert all(q["question"] != "Personality only?" for c in chats for q in c.key_questions)


def test_chat_create_without_any_bank_uses_built_in_questions(user):
    chat = create(user)
    assert [q["question"] for q in chat.key_questions] == [text for _, text in FALLBACK_QUESTIONS]


def test_chat_create_key_questions_have_valid_time_limits(user, bank):
    assert all(10 <= q["time_limit"] <= 3600 for q in create(user).key_questions)


# --- Bad input ------------------------------------------------------------------------------------


def test_chat_create_title_of_10000_characters_is_refused(user):
    with pytest.raises(ValidationError) as caught:
        create(user, title="x" * 10_000)
    assert caught.value.message_dict["title"] == ["The title can have at most 50 characters (it has 10000)."]
    assert not Chat.objects.exists()


def test_chat_create_blank_title_is_refused(user):
    with pytest.raises(ValidationError, match="Give the interview a title"):
        create(user, title="   ")


@pytest.mark.parametrize("difficulty", [0, 11, "5", True])
def test_chat_create_difficulty_out_of_range_is_refused(user, difficulty):
    with pytest.raises(ValidationError) as caught:
        create(user, difficulty=difficulty)
    assert "difficulty" in caught.value.message_dict


def test_chat_create_unknown_type_is_refused(user):
    with pytest.raises(ValidationError) as caught:
        create(user, type="XYZ")
    assert "type" in caught.value.message_dict


def test_chat_create_reports_every_bad_field_at_once(user):
    with pytest.raises(ValidationError) as caught:
        create(user, title="", type="XYZ", difficulty=99)
    assert set(caught.value.message_dict) == {"title", "type", "difficulty"}


# --- chat_delete ----------------------------------------------------------------------------------


def test_chat_delete_removes_own_chat(user):
    chat = ChatFactory(user=user)
    chat_delete(user=user, chat_id=chat.pk)
    assert not Chat.objects.filter(pk=chat.pk).exists()


def test_chat_delete_of_anothers_chat_is_not_found(user):
    chat = ChatFactory(user=UserFactory())
    with pytest.raises(NotFoundError):
        chat_delete(user=user, chat_id=chat.pk)
    assert Chat.objects.filter(pk=chat.pk).exists()


def test_chat_create_with_template_chooser_uses_interviewers_private_template(user, interviewer, bank):
    private = TemplateFactory(user=interviewer, question_count=2)
    private.question_banks.add(bank)
    chat = create(user, template_id=private.pk, template_chooser=interviewer)
    assert (chat.user, len(chat.key_questions)) == (user, 2)
