"""The REST API for resumes and job listings: shapes, statuses, auth and owner-only access."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from interview.models import UploadedJobListing, UploadedResume
from tests.extraction.samples import make_pdf
from tests.factories import ChatFactory, InvitationFactory, JobListingFactory, ResumeFactory, TemplateFactory

pytestmark = pytest.mark.django_db
TEXT = b"Jane Doe\nPython developer"


@pytest.fixture
def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_resume_list_requires_auth():
    assert APIClient().get("/api/resumes/").status_code == 401


def test_resume_list_with_token_auth(user):
    client = APIClient(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    assert client.get("/api/resumes/").status_code == 200


def test_resume_list_shows_own_only(api, user):
    ResumeFactory(user=user)
    ResumeFactory()
    assert api.get("/api/resumes/").json()["count"] == 1


def test_resume_create_returns_fields(api):
    response = api.post("/api/resumes/", {"title": "CV", "file": SimpleUploadedFile("cv.pdf", make_pdf())})
    body = response.json()
    assert (response.status_code, body["title"], body["file_type"]) == (201, "CV", "pdf")
    assert "Senior Python developer" in body["text_content"]


def test_resume_create_download_url(api):
    body = api.post("/api/resumes/", {"title": "CV", "file": SimpleUploadedFile("cv.txt", TEXT)}).json()
    assert body["download_url"] == f"http://testserver/resumes/{body['id']}/file/"


def test_resume_create_needs_title(api):
    response = api.post("/api/resumes/", {"file": SimpleUploadedFile("cv.txt", TEXT)})
    assert response.status_code == 400 and "title" in response.json()


def test_resume_create_refusal_names_file_field(api):
    response = api.post("/api/resumes/", {"title": "CV", "file": SimpleUploadedFile("cv.docx", TEXT)})
    assert response.status_code == 400 and "Rename it to end in .txt" in response.json()["file"][0]


def test_resume_retrieve(api, user):
    resume = ResumeFactory(user=user)
    assert api.get(f"/api/resumes/{resume.pk}/").json()["text_content"] == resume.text_content


def test_resume_retrieve_other_users_404(api):
    assert api.get(f"/api/resumes/{ResumeFactory().pk}/").status_code == 404


def test_resume_delete(api, user):
    resume = ResumeFactory(user=user)
    assert api.delete(f"/api/resumes/{resume.pk}/").status_code == 204 and not UploadedResume.objects.exists()


def test_resume_delete_other_users_404(api):
    assert api.delete(f"/api/resumes/{ResumeFactory().pk}/").status_code == 404


def test_resume_observer_may_read(interviewer):
    resume = ResumeFactory()
    InvitationFactory(interviewer=interviewer, chat=ChatFactory(user=resume.user, resume=resume))
    client = APIClient()
    client.force_authenticate(interviewer)
    assert client.get(f"/api/resumes/{resume.pk}/").status_code == 200


def test_resume_observer_may_not_delete(interviewer):
    resume = ResumeFactory()
    InvitationFactory(interviewer=interviewer, chat=ChatFactory(user=resume.user, resume=resume))
    client = APIClient()
    client.force_authenticate(interviewer)
    assert client.delete(f"/api/resumes/{resume.pk}/").status_code == 403


def test_job_listing_create_from_json(api):
    response = api.post("/api/job-listings/", {"title": "Dev", "content": "Senior dev."}, format="json")
    assert (response.status_code, response.json()["parsing_status"]) == (201, "pending")


def test_job_listing_create_from_form_content(api):
    assert api.post("/api/job-listings/", {"title": "Dev", "content": "Senior dev."}).status_code == 201


def test_job_listing_create_from_file(api):
    response = api.post("/api/job-listings/", {"file": SimpleUploadedFile("role.txt", TEXT)})
    assert (response.json()["filename"], response.json()["file_type"]) == ("role.txt", "txt")


def test_job_listing_create_needs_content_or_file(api):
    response = api.post("/api/job-listings/", {"title": "Dev"}, format="json")
    assert response.status_code == 400 and "non_field_errors" in response.json()


def test_job_listing_shape(api, user):
    template = TemplateFactory(user=user, difficulty=4, name="Senior")
    listing = JobListingFactory(
        user=user, parsing_status="success", seniority_level="senior", required_skills=["Python"],
        requirements={"years_experience": "5+"}, recommended_template=template,
    )  # fmt: skip
    body = api.get(f"/api/job-listings/{listing.pk}/").json()
    assert body["recommended_template"] == {"id": template.pk, "name": "Senior", "difficulty": 4}
    assert set(body) == {
        "id", "title", "filename", "file_type", "content", "created_at", "parsing_status", "parsing_error",
        "parsed_at", "required_skills", "seniority_level", "requirements", "recommended_template", "download_url",
    }  # fmt: skip


def test_job_listing_error_is_visible(api, user):
    listing = JobListingFactory(user=user, parsing_status="error", parsing_error="The AI service failed.")
    assert api.get(f"/api/job-listings/{listing.pk}/").json()["parsing_error"] == "The AI service failed."


def test_job_listing_retrieve_other_users_404(api):
    assert api.get(f"/api/job-listings/{JobListingFactory().pk}/").status_code == 404


def test_job_listing_delete(api, user):
    listing = JobListingFactory(user=user)
    assert api.delete(f"/api/job-listings/{listing.pk}/").status_code == 204
    assert not UploadedJobListing.objects.exists()


def test_job_listing_reparse_accepted(api, user):
    listing = JobListingFactory(user=user, parsing_status="error")
    response = api.post(f"/api/job-listings/{listing.pk}/reparse/")
    assert (response.status_code, response.json()["parsing_status"]) == (202, "pending")


def test_job_listing_reparse_conflict_while_pending(api, user):
    assert api.post(f"/api/job-listings/{JobListingFactory(user=user).pk}/reparse/").status_code == 409


def test_job_listing_non_numeric_id_404(api):
    assert api.get("/api/job-listings/abc/").status_code == 404


def test_schema_documents_endpoints(admin_user):
    client = APIClient()
    client.force_authenticate(admin_user)
    schema = client.get("/api/schema/", {"format": "json"}).json()
    assert {"/api/resumes/", "/api/job-listings/{id}/reparse/"} <= set(schema["paths"])
