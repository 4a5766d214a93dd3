"""A new interview from a job listing and a parsed resume: the candidate's missing skills break the template tie."""

from __future__ import annotations

import pytest

from interview.interviews.chats import chat_create
from interview.models import UploadedJobListing, UploadedResume
from tests.factories import JobListingFactory, QuestionBankFactory, QuestionFactory, ResumeFactory, TemplateFactory

pytestmark = pytest.mark.django_db
PARSED_FIELDS = {"skills", "experience", "parsing_status"}


@pytest.fixture(autouse=True)
def _offline(offline_llm):
    """No model: questions come from the templates' banks."""


def _template(owner, question):
    bank = QuestionBankFactory(owner=owner, is_shared=True)
    for n in (1, 2):
        QuestionFactory(question_bank=bank, difficulty="medium", text=f"{question} ({n})")
    template = TemplateFactory(
        user=owner,
        is_public=True,
        difficulty=4,
        question_count=2,
        easy_percentage=0,
        medium_percentage=100,
        hard_percentage=0,
    )
    template.question_banks.add(bank)
    return template


def _parsed(monkeypatch, resume, skills):
    values = {"skills": skills, "experience": [], "parsing_status": "success"}
    if PARSED_FIELDS <= {f.name for f in UploadedResume._meta.get_fields()}:
        UploadedResume.objects.filter(pk=resume.pk).update(**values)
    else:
        for name, value in values.items():
            monkeypatch.setattr(UploadedResume, name, value, raising=False)
    return resume


@pytest.fixture
def pair(user, interviewer):
    plain = _template(interviewer, "Tell me about a project you are proud of.")
    probing = _template(interviewer, "How would you run this service on k8s?")
    listing = JobListingFactory(
        user=user,
        parsing_status=UploadedJobListing.SUCCESS,
        seniority_level="senior",
        required_skills=["Python", "Kubernetes"],
        requirements={},
        recommended_template=plain,
    )
    return plain, probing, listing


def _asks_about_k8s(user, **kwargs):
    chat = chat_create(user=user, title="Practice", type="GEN", difficulty=5, seed=1, **kwargs)
    return all("k8s" in question["question"] for question in chat.key_questions)


def test_chat_create_missing_skill_picks_the_template_probing_it(user, pair, monkeypatch):
    *_, listing = pair
    resume = _parsed(monkeypatch, ResumeFactory(user=user), ["Python"])
    assert _asks_about_k8s(user, job_listing_id=listing.pk, resume_id=resume.pk)


def test_chat_create_without_resume_keeps_the_listings_recommendation(user, pair):
    *_, listing = pair
    assert not _asks_about_k8s(user, job_listing_id=listing.pk)


def test_chat_create_nothing_missing_keeps_the_listings_recommendation(user, pair, monkeypatch):
    *_, listing = pair
    resume = _parsed(monkeypatch, ResumeFactory(user=user), ["Python", "K8s"])
    assert not _asks_about_k8s(user, job_listing_id=listing.pk, resume_id=resume.pk)
