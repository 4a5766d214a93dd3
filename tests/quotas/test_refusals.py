"""Work refused once the daily budget is used up: 429 with Retry-After on the API, a banner on pages, parsing that
waits with its reason; the offline interviewer is never refused; invitations that cannot fit are refused."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from interview.documents import job_parsing as jp
from interview.models import Chat, InvitedInterview, TokenUsage, UploadedJobListing
from interview.usage.quotas import invitation_expected_tokens
from tests.factories import ChatFactory, InvitationFactory, JobListingFactory, TokenUsageFactory, UserFactory
from tests.hiring.helpers import fillable_template
from tests.reports.helpers import generate, make_chat

pytestmark = pytest.mark.django_db

CHAT = {"title": "Practice", "type": "GEN", "difficulty": 5}


@pytest.fixture
def budgets(settings):
    settings.LLM_DAILY_TOKENS = {"candidate": 1000, "interviewer": 10_000}
    settings.LLM_MONTHLY_BUDGET_USD = 0.0
    return settings


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def spend(user, tokens, **fields):
    return TokenUsageFactory(user=user, model_name="gpt-4o-mini", prompt_tokens=tokens, completion_tokens=0, **fields)


def test_api_chat_create_refused_with_429_and_retry_after(budgets, llm):
    user = UserFactory()
    spend(user, 1000)

    response = api(user).post("/api/chats/", CHAT, format="json")

    assert response.status_code == 429
    body = response.json()
    assert (body["code"], body["scope"]) == ("quota_exceeded", "daily")
    assert "daily AI budget of 1,000 tokens is used up" in body["detail"]
    assert 0 < int(response["Retry-After"]) <= 86400 and body["retry_after"] == int(response["Retry-After"])
    assert body["resets_at"].endswith("T00:00:00Z")
    assert not Chat.objects.filter(user=user).exists() and llm.requests == []


def test_api_chat_create_within_budget_is_created(budgets, llm):
    user = UserFactory()
    spend(user, 999)

    assert api(user).post("/api/chats/", CHAT, format="json").status_code == 201


def test_offline_interviewer_is_never_refused(budgets, offline_llm):
    user = UserFactory()
    spend(user, 5000)

    assert api(user).post("/api/chats/", CHAT, format="json").status_code == 201


def test_page_new_interview_shows_banner_and_keeps_input(budgets, llm):
    user = UserFactory()
    spend(user, 1000)
    client = Client()
    client.force_login(user)

    response = client.post(reverse("interview_new"), {**CHAT, "title": "My kept title"})

    page = response.content.decode()
    assert response.status_code == 400
    assert "daily AI budget of 1,000 tokens is used up" in page and 'value="My kept title"' in page
    assert not Chat.objects.filter(user=user).exists()


def test_api_regenerate_refused_when_the_inviter_is_over_budget(budgets, llm, admin_user):
    inviter, candidate = UserFactory(role="interviewer"), UserFactory()
    chat = make_chat(candidate)
    InvitationFactory(interviewer=inviter, candidate_email=candidate.email, chat=chat)
    spend(inviter, 10_000)

    response = api(admin_user).post(f"/api/chats/{chat.pk}/report/regenerate/")

    assert response.status_code == 429 and response.json()["code"] == "quota_exceeded"
    assert "Retry-After" in response


def test_api_regenerate_of_invited_interview_ignores_the_candidates_budget(budgets, llm, admin_user):
    inviter, candidate = UserFactory(role="interviewer"), UserFactory()
    chat = make_chat(candidate)
    InvitationFactory(interviewer=inviter, candidate_email=candidate.email, chat=chat)
    spend(candidate, 5000)

    assert api(admin_user).post(f"/api/chats/{chat.pk}/report/regenerate/").status_code == 202


def test_api_regenerate_of_offline_report_is_not_refused(budgets, offline_llm):
    user = UserFactory()
    chat = make_chat(user)
    generate(chat)
    spend(user, 5000)

    assert api(user).post(f"/api/chats/{chat.pk}/report/regenerate/").status_code == 202


def test_api_reparse_refused_and_listing_unchanged(budgets, llm):
    user = UserFactory()
    listing = JobListingFactory(user=user, parsing_status=UploadedJobListing.ERROR, parsing_error="Failed.")
    spend(user, 1000)

    response = api(user).post(f"/api/job-listings/{listing.pk}/reparse/")

    assert response.status_code == 429 and response.json()["code"] == "quota_exceeded"
    listing.refresh_from_db()
    assert (listing.parsing_status, listing.parsing_error) == (UploadedJobListing.ERROR, "Failed.")


def test_parsing_waits_with_its_reason_and_no_model_call(budgets, llm):
    user = UserFactory()
    listing = JobListingFactory(user=user, parsing_status=UploadedJobListing.PENDING)
    spend(user, 1000)

    assert jp.job_listing_parse(listing_id=listing.pk) == "waiting_for_quota"

    listing.refresh_from_db()
    assert listing.parsing_status == UploadedJobListing.PENDING
    assert listing.parsing_error.startswith("Not parsed yet: The daily AI budget of 1,000 tokens is used up.")
    assert llm.requests == []


def test_waiting_listing_is_queued_again_once_there_is_budget(budgets, llm, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    requirements = '{"education": [], "years_experience": "", "certifications": [], "responsibilities": []}'
    llm.configure(
        text='{"required_skills": ["Python"], "seniority_level": "senior", "requirements": ' + requirements + "}"
    )
    user = UserFactory()
    listing = JobListingFactory(user=user, parsing_status=UploadedJobListing.PENDING)
    row = spend(user, 1000)
    jp.job_listing_parse(listing_id=listing.pk)
    assert jp.job_listings_resume_after_quota() == 0  # still used up
    TokenUsage.objects.filter(pk=row.pk).update(created_at=timezone.now() - timedelta(days=1))

    assert jp.job_listings_resume_after_quota() == 1

    listing.refresh_from_db()
    assert (listing.parsing_status, listing.parsing_error) == (UploadedJobListing.SUCCESS, "")


def test_page_job_parse_panel_shows_the_waiting_reason(budgets, llm):
    user = UserFactory()
    listing = JobListingFactory(user=user, parsing_status=UploadedJobListing.PENDING)
    spend(user, 1000)
    jp.job_listing_parse(listing_id=listing.pk)
    client = Client()
    client.force_login(user)

    page = client.get(reverse("job_detail", args=[listing.pk])).content.decode()

    assert "Not parsed yet: The daily AI budget of 1,000 tokens is used up." in page


def invite(interviewer, template):
    body = {
        "candidate_email": "ada@example.com",
        "template": template.pk,
        "scheduled_time": (timezone.now() + timedelta(days=1)).isoformat(),
        "duration_minutes": 45,
    }
    return api(interviewer).post("/api/invitations/", body, format="json")


def test_invitation_expected_tokens_formula(settings):
    settings.LLM_TYPICAL_PROMPT_TOKENS, settings.LLM_MAX_TOKENS_TURN, settings.LLM_MAX_TOKENS_GRADING = 1500, 800, 3000
    template = fillable_template(UserFactory(role="interviewer"), max_follow_ups=1)  # 4 key questions

    assert invitation_expected_tokens(template) == 4 * 2 * (800 + 1500) + 3000 + 1500


def test_invitation_refused_when_expected_cost_does_not_fit(budgets, llm):
    interviewer = UserFactory(role="interviewer")
    template = fillable_template(interviewer, max_follow_ups=1)
    spend(interviewer, 10_000 - invitation_expected_tokens(template) + 1)

    response = invite(interviewer, template)

    assert response.status_code == 429
    assert "needs about" in response.json()["detail"] and response.json()["scope"] == "daily"
    assert not InvitedInterview.objects.exists()


def test_invitation_that_fits_is_created(budgets, llm):
    interviewer = UserFactory(role="interviewer")
    template = fillable_template(interviewer, max_follow_ups=1)
    spend(interviewer, 10_000 - invitation_expected_tokens(template))

    assert invite(interviewer, template).status_code == 201


def test_page_invitation_refused_shows_banner_and_keeps_input(budgets, llm):
    interviewer = UserFactory(role="interviewer")
    template = fillable_template(interviewer)
    spend(interviewer, 10_000)
    client = Client()
    client.force_login(interviewer)
    when = (timezone.localtime() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    data = {"candidate_email": "kept@example.com", "template": template.pk, "scheduled_time": when}

    response = client.post(reverse("invitation_create"), {**data, "duration_minutes": 45})

    page = response.content.decode()
    assert "The daily AI budget of 10,000 tokens is used up." in page and "kept@example.com" in page
    assert not InvitedInterview.objects.exists()


def test_api_quota_shows_used_budget_remaining_and_reset(budgets):
    user = UserFactory()
    spend(user, 250)
    practice_of_other = ChatFactory()
    spend(practice_of_other.user, 999, chat=practice_of_other)

    body = api(user).get("/api/me/quota/").json()

    assert (body["used"], body["budget"], body["remaining"]) == (250, 1000, 750)
    assert body["resets_at"].endswith("T00:00:00Z")


def test_api_quota_unlimited_is_null(budgets):
    body = api(UserFactory(role="admin")).get("/api/me/quota/").json()

    assert (body["budget"], body["remaining"]) == (None, None)


def test_usage_page_shows_whats_left_and_the_reset(budgets):
    user = UserFactory()
    spend(user, 250)
    client = Client()
    client.force_login(user)

    page = client.get(reverse("usage_mine")).content.decode()

    assert "<strong>250</strong> of your <strong>1000</strong> tokens today: <strong>750</strong> left" in page
    assert "at midnight (00:00 UTC" in page and 'datetime="' in page


def test_usage_page_says_unlimited(budgets):
    client = Client()
    client.force_login(UserFactory(role="admin"))

    assert "<strong>unlimited</strong>" in client.get(reverse("usage_mine")).content.decode()
