"""Resume parsing and its re-parse under the daily budget: refused or waiting with the reason, never a model call."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from interview.documents import resume_parsing as rp
from interview.models import TokenUsage, UploadedResume
from tests.factories import ResumeFactory, TokenUsageFactory, UserFactory

pytestmark = pytest.mark.django_db

PARSED = '{"skills": ["Python"], "experience": [], "education": [], "summary": "A developer."}'


@pytest.fixture
def budgets(settings):
    settings.LLM_DAILY_TOKENS = {"candidate": 1000}
    settings.LLM_MONTHLY_BUDGET_USD = 0.0
    return settings


def spend(user, tokens):
    return TokenUsageFactory(user=user, model_name="gpt-4o-mini", prompt_tokens=tokens, completion_tokens=0)


def test_resume_parse_waits_for_quota_without_a_model_call(budgets, llm):
    user = UserFactory()
    resume = ResumeFactory(user=user, parsing_status=UploadedResume.PENDING)
    spend(user, 1000)

    assert rp.resume_parse(resume_id=resume.pk) == "waiting_for_quota"

    resume.refresh_from_db()
    assert resume.parsing_status == UploadedResume.PENDING
    assert resume.parsing_error.startswith("Not parsed yet: The daily AI budget of 1,000 tokens is used up.")
    assert llm.requests == []


def test_resume_waiting_for_quota_is_queued_again_once_there_is_budget(budgets, llm, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    llm.configure(text=PARSED)
    user = UserFactory()
    resume = ResumeFactory(user=user, parsing_status=UploadedResume.PENDING)
    row = spend(user, 1000)
    rp.resume_parse(resume_id=resume.pk)
    assert rp.resumes_resume_after_quota() == 0  # still used up
    TokenUsage.objects.filter(pk=row.pk).update(created_at=timezone.now() - timedelta(days=1))

    assert rp.resumes_resume_after_quota() == 1

    resume.refresh_from_db()
    assert (resume.parsing_status, resume.parsing_error, resume.skills) == (UploadedResume.SUCCESS, "", ["Python"])


def test_api_resume_reparse_refused_with_429_and_resume_unchanged(budgets, llm):
    user = UserFactory()
    resume = ResumeFactory(user=user, parsing_status=UploadedResume.ERROR, parsing_error="Failed.")
    spend(user, 1000)
    client = APIClient()
    client.force_authenticate(user)

    response = client.post(f"/api/resumes/{resume.pk}/reparse/", {}, format="json")

    assert response.status_code == 429 and response.json()["code"] == "quota_exceeded"
    assert int(response["Retry-After"]) >= 1
    resume.refresh_from_db()
    assert (resume.parsing_status, resume.parsing_error) == (UploadedResume.ERROR, "Failed.")
    assert llm.requests == []
