"""Rate limits of the costly endpoints (settings.RATE_LIMITS): 429 with Retry-After and `rate_limited`, per user."""

from __future__ import annotations

import runpy

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.test import APIClient

from interview.models import Chat, ExportableReport, UploadedJobListing, UploadedResume
from live_interview import settings as project_settings
from tests.factories import JobListingFactory, ResumeFactory, UserFactory
from tests.reports.helpers import generate, make_chat

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _small_rates(settings, offline_llm):
    settings.RATE_LIMITS = {
        "chat_create": "2/h",
        "report_regenerate": "2/h",
        "document_reparse": "2/h",
        "document_upload": "2/h",
    }
    settings.REPORT_REGENERATE_COOLDOWN_SECONDS = 0  # only the rate limit refuses here


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def new_chat(client: APIClient):
    return client.post("/api/chats/", {"title": "Practice", "type": "SKL", "difficulty": 4}, format="json")


def cv() -> SimpleUploadedFile:
    return SimpleUploadedFile("cv.txt", b"Jane Doe\nPython developer")


# --- settings -------------------------------------------------------------------------------------


def test_rate_limits_defaults_refuse_twenty_chats_in_a_burst(user, settings):
    settings.RATE_LIMITS = project_settings._RATE_LIMIT_DEFAULTS
    client = api(user)
    statuses = [new_chat(client).status_code for _ in range(20)]
    assert statuses == [201] * 5 + [429] * 15


def test_rate_limits_defaults_refuse_five_regenerations_in_a_row(user, settings):
    settings.RATE_LIMITS = project_settings._RATE_LIMIT_DEFAULTS
    chats = [make_chat(user) for _ in range(5)]
    for chat in chats:
        generate(chat)
    statuses = [api(user).post(f"/api/chats/{chat.pk}/report/regenerate/").status_code for chat in chats]
    assert statuses == [202] * 3 + [429] * 2


def test_rate_limits_env_overrides_one_limit(monkeypatch):
    monkeypatch.setenv("RATE_LIMITS", '{"chat_create": "1/d"}')
    values = runpy.run_path(project_settings.__file__)
    assert values["RATE_LIMITS"] == {**project_settings._RATE_LIMIT_DEFAULTS, "chat_create": "1/d"}


@pytest.mark.parametrize("value", ['{"chat_create": "lots"}', '{"unknown": "1/h"}', "[1]", "not json"])
def test_rate_limits_env_garbage_fails_fast(monkeypatch, value):
    monkeypatch.setenv("RATE_LIMITS", value)
    with pytest.raises(ImproperlyConfigured, match="RATE_LIMITS"):
        runpy.run_path(project_settings.__file__)


# --- API ------------------------------------------------------------------------------------------


def test_rate_limits_api_chat_create_third_is_429_with_retry_after(user):
    client = api(user)
    statuses = [new_chat(client).status_code for _ in range(3)]
    response = new_chat(client)
    assert statuses == [201, 201, 429] and 1 <= int(response["Retry-After"]) <= 3600


def test_rate_limits_api_refusal_names_the_code(user):
    client = api(user)
    for _ in range(2):
        new_chat(client)
    body = new_chat(client).json()
    assert body["code"] == "rate_limited" and "Too many new interviews" in body["detail"]


def test_rate_limits_api_refused_chat_is_not_created(user):
    client = api(user)
    for _ in range(3):
        new_chat(client)
    assert Chat.objects.filter(user=user).count() == 2


def test_rate_limits_api_other_user_unaffected(user):
    client = api(user)
    for _ in range(3):
        new_chat(client)
    assert new_chat(api(UserFactory())).status_code == 201


def test_rate_limits_api_both_rates_of_a_limit_hold(user, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "chat_create": "100/m,1/h"}
    client = api(user)
    assert [new_chat(client).status_code for _ in range(2)] == [201, 429]


def test_rate_limits_api_report_regenerate(user):
    chats = [make_chat(user) for _ in range(3)]
    for chat in chats:
        generate(chat)
    responses = [api(user).post(f"/api/chats/{chat.pk}/report/regenerate/") for chat in chats]
    assert [r.status_code for r in responses] == [202, 202, 429]
    assert responses[-1].json()["code"] == "rate_limited" and responses[-1]["Retry-After"]


def test_rate_limits_api_reparse(user):
    listing = JobListingFactory(user=user, parsing_status="error")
    client = api(user)
    statuses = []
    for _ in range(3):
        statuses.append(client.post(f"/api/job-listings/{listing.pk}/reparse/").status_code)
        UploadedJobListing.objects.filter(pk=listing.pk).update(parsing_status="error")
    assert statuses == [202, 202, 429]


def test_rate_limits_api_resume_upload(user):
    client = api(user)
    statuses = [client.post("/api/resumes/", {"title": "CV", "file": cv()}).status_code for _ in range(3)]
    assert statuses == [201, 201, 429] and UploadedResume.objects.filter(user=user).count() == 2


def test_rate_limits_api_job_listing_upload_shares_the_upload_limit(user):
    client = api(user)
    client.post("/api/resumes/", {"title": "CV", "file": cv()})
    client.post("/api/job-listings/", {"content": "Django developer"}, format="json")
    response = client.post("/api/job-listings/", {"content": "Go developer"}, format="json")
    assert response.status_code == 429 and response.json()["code"] == "rate_limited"


def test_rate_limits_api_hourly_upload_quota_keeps_its_code(user, settings):
    """UPLOAD_MAX_PER_HOUR (stored documents, counted in the database) still answers `upload_rate_limited`."""
    settings.UPLOAD_MAX_PER_HOUR = 1
    client = api(user)
    client.post("/api/resumes/", {"title": "CV", "file": cv()})
    response = client.post("/api/resumes/", {"title": "CV", "file": cv()})
    assert (response.status_code, response.json()["code"]) == (429, "upload_rate_limited")


def test_rate_limits_disabled_setting_counts_nothing(user, settings):
    settings.RATELIMIT_ENABLE = False
    client = api(user)
    assert [new_chat(client).status_code for _ in range(3)] == [201, 201, 201]


# --- pages ----------------------------------------------------------------------------------------


@pytest.fixture
def as_user(client, user):
    client.force_login(user)
    return client


def test_rate_limits_page_new_interview_keeps_the_form(as_user, user):
    form = {"title": "Evening practice", "type": "GEN", "difficulty": "5"}
    for _ in range(2):
        as_user.post(reverse("interview_new"), form)
    response = as_user.post(reverse("interview_new"), form)
    page = response.content.decode()
    assert response.status_code == 429 and response["Retry-After"]
    assert "Too many new interviews" in page and 'value="Evening practice"' in page


def test_rate_limits_page_resume_upload_keeps_the_title(as_user):
    for _ in range(2):
        as_user.post(reverse("resume_upload"), {"title": "CV", "file": cv()})
    response = as_user.post(reverse("resume_upload"), {"title": "My third CV", "file": cv()})
    page = response.content.decode()
    assert response.status_code == 429 and "Too many uploads" in page and 'value="My third CV"' in page


def test_rate_limits_page_job_create_keeps_the_pasted_text(as_user):
    for _ in range(2):
        as_user.post(reverse("job_create"), {"content": "Django developer"})
    response = as_user.post(reverse("job_create"), {"content": "Rust developer wanted"})
    page = response.content.decode()
    assert response.status_code == 429 and "Rust developer wanted" in page and "Too many uploads" in page


def test_rate_limits_page_reparse_shows_the_listing_with_the_message(as_user, user):
    listing = JobListingFactory(user=user, parsing_status="error")
    for _ in range(2):
        as_user.post(reverse("job_reparse", args=[listing.pk]))
        UploadedJobListing.objects.filter(pk=listing.pk).update(parsing_status="error")
    response = as_user.post(reverse("job_reparse", args=[listing.pk]))
    assert response.status_code == 429 and "Too many re-parses" in response.content.decode()
    listing.refresh_from_db()
    assert listing.parsing_status == "error"


def test_rate_limits_page_resume_reparse_shows_the_resume_with_the_message(as_user, user):
    resume = ResumeFactory(user=user, parsing_status="error")
    for _ in range(2):
        as_user.post(reverse("resume_reparse", args=[resume.pk]))
        UploadedResume.objects.filter(pk=resume.pk).update(parsing_status="error")
    response = as_user.post(reverse("resume_reparse", args=[resume.pk]))
    assert response.status_code == 429 and "Too many re-parses" in response.content.decode()
    assert response["Retry-After"].isdigit()
    resume.refresh_from_db()
    assert resume.parsing_status == "error"


def test_rate_limits_api_resume_reparse_is_429_with_the_code(user):
    resume = ResumeFactory(user=user, parsing_status="error")
    client = api(user)
    for _ in range(2):
        client.post(f"/api/resumes/{resume.pk}/reparse/", {}, format="json")
        UploadedResume.objects.filter(pk=resume.pk).update(parsing_status="error")
    response = client.post(f"/api/resumes/{resume.pk}/reparse/", {}, format="json")
    assert response.status_code == 429 and response.json()["code"] == "rate_limited"
    assert int(response["Retry-After"]) >= 1


def test_rate_limits_page_report_regenerate_shows_the_report_with_the_message(as_user, user):
    chats = [make_chat(user) for _ in range(3)]
    for chat in chats:
        generate(chat)
    for chat in chats[:2]:
        as_user.post(reverse("report_regenerate", args=[chat.pk]))
    response = as_user.post(reverse("report_regenerate", args=[chats[2].pk]))
    assert response.status_code == 429 and "Too many report regenerations" in response.content.decode()
    assert ExportableReport.objects.get(chat=chats[2]).status == "ready"  # the refusal changed nothing
