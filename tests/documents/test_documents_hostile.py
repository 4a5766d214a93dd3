"""The hostile corpus, through the API and the pages: each file gets a clear 4xx and leaves no row and no file."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.test import APIClient

from interview.models import UploadedJobListing, UploadedResume
from tests.extraction.samples import (
    make_blank_pages_pdf,
    make_docx_bomb,
    make_encrypted_pdf,
    make_executable,
    make_pdf,
    make_scanned_pdf,
    make_truncated_pdf,
)

pytestmark = pytest.mark.django_db

CORPUS = {
    "empty file": ("cv.txt", lambda: b"", "empty"),
    "renamed executable": ("cv.pdf", make_executable, "Windows program"),
    "wrong extension": ("cv.docx", make_pdf, "Rename it to end in .pdf"),
    "unsupported extension": ("cv.exe", make_pdf, "must end in .pdf, .docx or .txt"),
    "truncated pdf": ("cv.pdf", make_truncated_pdf, "incomplete"),
    "encrypted pdf": ("cv.pdf", make_encrypted_pdf, "password-protected"),
    "thousands of pages": ("cv.pdf", lambda: make_blank_pages_pdf(3000), "3000 pages"),
    "docx zip bomb": ("cv.docx", make_docx_bomb, "unpacks to far more data"),
}
ENDPOINTS = {"resume": "/api/resumes/", "job listing": "/api/job-listings/"}
# A scanned resume is kept, marked unparseable (tests/documents/test_resume_parsing_llm.py); a scanned listing is refused.
JOB_LISTING_CORPUS = {**CORPUS, "scanned pdf": ("cv.pdf", make_scanned_pdf, "no text layer")}


@pytest.fixture
def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def nothing_stored(settings) -> bool:
    root = Path(settings.MEDIA_ROOT)
    files = [path for path in root.rglob("*") if path.is_file()] if root.exists() else []
    return not files and not UploadedResume.objects.exists() and not UploadedJobListing.objects.exists()


def multipart(filename: str, data: bytes, boundary: str = "hostile") -> bytes:
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="title"\r\n\r\nCV\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
    )
    return head.encode() + data + f"\r\n--{boundary}--\r\n".encode()


@pytest.mark.parametrize("endpoint", ENDPOINTS.values(), ids=ENDPOINTS.keys())
@pytest.mark.parametrize("case", CORPUS.values(), ids=CORPUS.keys())
def test_api_refuses_hostile_file(api, settings, endpoint, case):
    filename, build, reason = case
    response = api.post(endpoint, {"title": "CV", "file": SimpleUploadedFile(filename, build())})
    assert response.status_code == 400 and reason in str(response.json())
    assert nothing_stored(settings)


def test_api_refuses_scanned_job_listing(api, settings):
    filename, build, reason = JOB_LISTING_CORPUS["scanned pdf"]
    response = api.post(ENDPOINTS["job listing"], {"title": "CV", "file": SimpleUploadedFile(filename, build())})
    assert response.status_code == 400 and reason in str(response.json())
    assert nothing_stored(settings)


@pytest.mark.parametrize("case", CORPUS.values(), ids=CORPUS.keys())
def test_page_refuses_hostile_file(client, user, settings, case):
    filename, build, reason = case
    client.force_login(user)
    response = client.post(reverse("resume_upload"), {"title": "CV", "file": SimpleUploadedFile(filename, build())})
    assert response.status_code == 400 and reason in response.content.decode()
    assert nothing_stored(settings)


@pytest.mark.parametrize("endpoint", ENDPOINTS.values(), ids=ENDPOINTS.keys())
def test_api_refuses_oversize_upload_with_413(api, settings, endpoint):
    settings.UPLOAD_MAX_BYTES = 64 * 1024
    response = api.post(endpoint, {"title": "CV", "file": SimpleUploadedFile("cv.txt", b"a" * (65 * 1024))})
    assert response.status_code == 413 and "the limit is 0.1 MB" in response.json()["file"][0]
    assert nothing_stored(settings)


def test_page_refuses_oversize_upload(client, user, settings):
    settings.UPLOAD_MAX_BYTES = 64 * 1024
    client.force_login(user)
    data = {"title": "CV", "file": SimpleUploadedFile("cv.txt", b"a" * (65 * 1024))}
    response = client.post(reverse("resume_upload"), data)
    assert response.status_code == 400 and "too large" in response.content.decode()
    assert nothing_stored(settings)


def test_oversize_upload_never_reaches_temp_disk(api, settings, tmp_path):
    settings.UPLOAD_MAX_BYTES = 64 * 1024
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 0  # every upload would be spooled to a temporary file
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path / "spool")
    (tmp_path / "spool").mkdir()
    api.post("/api/resumes/", {"title": "CV", "file": SimpleUploadedFile("cv.txt", b"a" * (1024 * 1024))})
    assert list((tmp_path / "spool").iterdir()) == []


def test_path_traversal_name_without_extension_refused(api, settings):
    body = multipart("../../../../etc/cron.d/evil", b"* * * * * root rm -rf /\n")
    response = api.generic("POST", "/api/resumes/", body, content_type="multipart/form-data; boundary=hostile")
    assert response.status_code == 400 and nothing_stored(settings)


def test_path_traversal_name_stored_under_random_name(api, settings):
    body = multipart("..\\..\\..\\evil.txt", b"Jane Doe, Python developer")
    response = api.generic("POST", "/api/job-listings/", body, content_type="multipart/form-data; boundary=hostile")
    listing = UploadedJobListing.objects.get(pk=response.json()["id"])
    stored = Path(settings.MEDIA_ROOT, listing.file.name).resolve()
    assert stored.parent == Path(settings.MEDIA_ROOT, "uploads").resolve() and "evil" not in stored.name
    assert listing.filename == "evil.txt"


def test_pasted_text_too_long_refused(api, settings):
    settings.DOCUMENT_MAX_TEXT_CHARS = 100
    response = api.post("/api/job-listings/", {"title": "Dev", "content": "x" * 101}, format="json")
    assert response.status_code == 400 and "the limit is 100" in response.json()["content"][0]
    assert nothing_stored(settings)


def test_api_session_auth_oversize_upload_refused_before_csrf_read(user, settings):
    settings.UPLOAD_MAX_BYTES = 64 * 1024
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(user)
    token = client.get(reverse("resume_upload")).cookies["csrftoken"].value
    data = {"title": "CV", "file": SimpleUploadedFile("cv.txt", b"a" * (65 * 1024))}
    response = client.post("/api/resumes/", data, HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 413 and nothing_stored(settings)
