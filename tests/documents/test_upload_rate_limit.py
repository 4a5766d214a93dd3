"""UPLOAD_MAX_PER_HOUR: resumes plus job listings a user may add in an hour, counted from the database."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from interview.documents import services as svc
from interview.models import UploadedJobListing, UploadedResume
from tests.factories import JobListingFactory, ResumeFactory, UserFactory

pytestmark = pytest.mark.django_db
TEXT = b"Jane Doe\nPython developer"


@pytest.fixture
def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def client_in(client, user):
    client.force_login(user)
    return client


def upload(name: str = "cv.txt") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, TEXT)


def fill_quota(user, count: int = 20, *, minutes_ago: int = 0) -> None:
    """`count` documents, half resumes and half job listings, added `minutes_ago`."""
    for index in range(count):
        factory = ResumeFactory if index % 2 else JobListingFactory
        factory(user=user)
    when = timezone.now() - timedelta(minutes=minutes_ago)
    UploadedResume.objects.filter(user=user).update(uploaded_at=when)
    UploadedJobListing.objects.filter(user=user).update(created_at=when)


def stored_files() -> list[Path]:
    return [path for path in Path(django_settings.MEDIA_ROOT).rglob("*") if path.is_file()]


def document_count(user) -> int:
    return UploadedResume.objects.filter(user=user).count() + UploadedJobListing.objects.filter(user=user).count()


def test_upload_max_per_hour_defaults_to_twenty():
    assert django_settings.UPLOAD_MAX_PER_HOUR == 20


def test_api_twentieth_upload_accepted_twenty_first_refused(api, user):
    statuses = [api.post("/api/resumes/", {"title": f"CV {n}", "file": upload()}).status_code for n in range(21)]
    assert statuses == [201] * 20 + [429]


def test_api_refusal_says_why_and_when(api, user):
    fill_quota(user, minutes_ago=30)
    response = api.post("/api/resumes/", {"title": "CV", "file": upload()})
    assert "in the last hour" in response.json()["detail"] and 1790 <= int(response["Retry-After"]) <= 1800


def test_api_refused_upload_stores_nothing(api, user):
    fill_quota(user)
    files = stored_files()
    api.post("/api/resumes/", {"title": "CV", "file": upload()})
    assert document_count(user) == 20 and stored_files() == files


def test_api_job_listing_paste_counts_and_is_refused(api, user):
    fill_quota(user)
    response = api.post("/api/job-listings/", {"content": "Django developer"}, format="json")
    assert response.status_code == 429 and document_count(user) == 20


def test_api_job_listing_upload_refused(api, user):
    fill_quota(user)
    assert api.post("/api/job-listings/", {"file": upload("job.txt")}).status_code == 429


def test_api_other_user_unaffected(api, user):
    fill_quota(user)
    other = APIClient()
    other.force_authenticate(UserFactory())
    assert other.post("/api/resumes/", {"title": "CV", "file": upload()}).status_code == 201


def test_uploads_older_than_an_hour_do_not_count(api, user):
    fill_quota(user, minutes_ago=61)
    assert api.post("/api/resumes/", {"title": "CV", "file": upload()}).status_code == 201


def test_zero_means_unlimited(api, user, settings):
    settings.UPLOAD_MAX_PER_HOUR = 0
    fill_quota(user, count=25)
    assert api.post("/api/resumes/", {"title": "CV", "file": upload()}).status_code == 201


def test_limit_follows_setting(api, user, settings):
    settings.UPLOAD_MAX_PER_HOUR = 2
    fill_quota(user, count=2)
    assert api.post("/api/resumes/", {"title": "CV", "file": upload()}).status_code == 429


def test_resume_page_shows_refusal_as_form_error(client_in, user):
    fill_quota(user)
    response = client_in.post(reverse("resume_upload"), {"title": "CV", "file": upload()})
    assert response.status_code == 429 and "in the last hour" in response.context["form"].non_field_errors()[0]


def test_resume_page_refusal_stores_nothing(client_in, user):
    fill_quota(user)
    files = stored_files()
    client_in.post(reverse("resume_upload"), {"title": "CV", "file": upload()})
    assert document_count(user) == 20 and stored_files() == files


def test_job_page_shows_refusal_as_form_error(client_in, user):
    fill_quota(user)
    response = client_in.post(reverse("job_create"), {"content": "Django developer"})
    assert response.status_code == 429 and "Please try again in" in response.content.decode()


def test_job_page_refusal_stores_nothing(client_in, user):
    fill_quota(user)
    client_in.post(reverse("job_create"), {"file": upload("job.txt")})
    assert document_count(user) == 20


def test_resume_page_twentieth_accepted(client_in, user):
    fill_quota(user, count=19)
    response = client_in.post(reverse("resume_upload"), {"title": "CV", "file": upload()})
    assert response.status_code == 302 and document_count(user) == 20


def test_service_error_code_names_the_limit(user):
    fill_quota(user)
    with pytest.raises(svc.ServiceError) as caught:
        svc.resume_create(user=user, title="CV", upload=upload())
    assert caught.value.code == "upload_rate_limited"


def test_quota_rechecked_inside_the_saving_transaction(user, monkeypatch):
    """A concurrent upload that passed the first check still cannot exceed the limit when it saves."""
    fill_quota(user, count=19)
    first_check = svc.upload_quota_check

    def check_then_race(*, user):
        first_check(user=user)
        monkeypatch.setattr(svc, "upload_quota_check", first_check)
        ResumeFactory(user=user)  # another process's upload lands meanwhile

    monkeypatch.setattr(svc, "upload_quota_check", check_then_race)
    with pytest.raises(svc.UploadRateLimited):
        svc.resume_create(user=user, title="CV", upload=upload())
    assert document_count(user) == 20
