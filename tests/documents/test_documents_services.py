"""The document services: create from uploads or pasted text, retitle, delete, and the file/row consistency."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tasks_db.models import DBTaskResult

from interview.core.errors import ServiceError
from interview.documents import services as svc
from interview.models import UploadedJobListing, UploadedResume
from tests.extraction.samples import make_docx, make_encrypted_pdf
from tests.factories import ChatFactory, JobListingFactory, ResumeFactory

pytestmark = pytest.mark.django_db
TEXT = b"Jane Doe\nPython developer with 6 years of Django."


def upload(data: bytes = TEXT, name: str = "cv.txt") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def stored_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def test_resume_create_stores_text(user):
    resume = svc.resume_create(user=user, title="My CV", upload=upload())
    assert resume.text_content == TEXT.decode()


def test_resume_create_stores_file_under_random_name(user):
    resume = svc.resume_create(user=user, title="My CV", upload=upload(name="my secret cv.txt"))
    assert resume.file.name.startswith("uploads/") and "secret" not in resume.file.name


def test_resume_create_extension_follows_content(user):
    resume = svc.resume_create(user=user, title="My CV", upload=upload(make_docx(), "cv.docx"))
    assert resume.file.name.endswith(".docx")


def test_resume_create_refusal_stores_nothing(user, settings):
    with pytest.raises(ServiceError):
        svc.resume_create(user=user, title="My CV", upload=upload(make_encrypted_pdf(), "cv.pdf"))
    assert (UploadedResume.objects.count(), stored_files(settings)) == (0, [])


def test_resume_create_refusal_carries_code(user):
    with pytest.raises(ServiceError) as caught:
        svc.resume_create(user=user, title="My CV", upload=upload(b"", "cv.txt"))
    assert caught.value.code == "empty"


def test_resume_create_requires_title(user):
    with pytest.raises(ServiceError) as caught:
        svc.resume_create(user=user, title="  ", upload=upload())
    assert caught.value.code == "title_required"


def test_resume_create_removes_file_when_row_fails(user, settings, monkeypatch):
    def fail(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(UploadedResume, "save", fail)
    with pytest.raises(RuntimeError):
        svc.resume_create(user=user, title="My CV", upload=upload())
    assert stored_files(settings) == []


def test_job_listing_create_from_text_is_pending(user):
    listing = svc.job_listing_create(user=user, title="Dev", content="Senior Django developer wanted.")
    assert (listing.parsing_status, listing.filename, listing.file.name) == ("pending", "", "")


def test_job_listing_create_queues_parse_on_commit(user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        listing = svc.job_listing_create(user=user, title="Dev", content="Senior Django developer wanted.")
    task = DBTaskResult.objects.get()
    assert (task.task_path, task.args_kwargs["args"]) == (
        "interview.documents.job_parsing.job_listing_parse_task",
        [listing.pk],
    )


def test_job_listing_create_without_commit_queues_nothing(user):
    svc.job_listing_create(user=user, title="Dev", content="Senior Django developer wanted.")
    assert not DBTaskResult.objects.exists()


def test_job_listing_create_from_upload_keeps_safe_filename(user):
    listing = svc.job_listing_create(user=user, upload=upload(name="senior dev.txt"))
    assert (listing.filename, listing.title, listing.content) == ("senior dev.txt", "senior dev", TEXT.decode())


def test_job_listing_create_title_from_first_line(user):
    listing = svc.job_listing_create(user=user, content="\n  Backend Engineer  \nPython.")
    assert listing.title == "Backend Engineer"


def test_job_listing_create_needs_file_or_text(user):
    with pytest.raises(ServiceError) as caught:
        svc.job_listing_create(user=user, title="Dev", content="   ")
    assert caught.value.code == "content_required"


def test_job_listing_create_refuses_both_file_and_text(user):
    with pytest.raises(ServiceError):
        svc.job_listing_create(user=user, title="Dev", upload=upload(), content="text")


def test_job_listing_create_refuses_overlong_paste(user, settings):
    settings.DOCUMENT_MAX_TEXT_CHARS = 10
    with pytest.raises(ServiceError) as caught:
        svc.job_listing_create(user=user, title="Dev", content="x" * 11)
    assert caught.value.code == "too_much_text"


def test_job_listing_create_refuses_overlong_title(user):
    with pytest.raises(ServiceError) as caught:
        svc.job_listing_create(user=user, title="x" * 256, content="text")
    assert caught.value.code == "title_too_long"


def test_resume_retitle(user):
    resume = ResumeFactory(user=user)
    assert svc.resume_retitle(resume=resume, title="  New   name ").title == "New name"


def test_job_listing_retitle_keeps_parse_result(user):
    listing = JobListingFactory(user=user, parsing_status="success", required_skills=["Python"])
    svc.job_listing_retitle(listing=listing, title="Renamed")
    listing.refresh_from_db()
    assert (listing.title, listing.required_skills) == ("Renamed", ["Python"])


def test_document_delete_removes_file_after_commit(user, settings, django_capture_on_commit_callbacks):
    resume = svc.resume_create(user=user, title="My CV", upload=upload())
    with django_capture_on_commit_callbacks(execute=True):
        svc.document_delete(document=resume)
    assert (UploadedResume.objects.count(), stored_files(settings)) == (0, [])


def test_document_delete_keeps_chats(user, django_capture_on_commit_callbacks):
    listing = JobListingFactory(user=user)
    chat = ChatFactory(user=user, job_listing=listing)
    with django_capture_on_commit_callbacks(execute=True):
        svc.document_delete(document=listing)
    chat.refresh_from_db()
    assert chat.job_listing is None and not UploadedJobListing.objects.exists()


def test_extraction_limits_read_settings(settings):
    settings.EXTRACTION_MAX_PAGES = 7
    settings.UPLOAD_MAX_BYTES = 1234
    limits = svc.extraction_limits()
    assert (limits.max_pages, limits.max_bytes) == (7, 1234)
