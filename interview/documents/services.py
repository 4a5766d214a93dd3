"""Writes for resumes and job listings: create from an upload or pasted text, retitle, delete.

Every create checks the user's hourly quota, extracts (nothing is stored for a refused file), then
saves the file under a random name and the row in one durable transaction that checks the quota
again; if anything fails after the file was written, the file is removed again. Refusals raise
ServiceError with a message for the uploader.
"""

from __future__ import annotations

import logging
import math
import uuid
from collections.abc import Callable, Mapping
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from interview.accounts.consent import DECLINED, DECLINED_PARSING_REASON, consent_check
from interview.core.errors import ErrorCode, ServiceError
from interview.documents import resume_rules
from interview.documents.job_parsing import job_listing_enqueue
from interview.documents.resume_parsing import NO_TEXT_REASON, resume_enqueue
from interview.extraction import (
    ExtractedDocument,
    ExtractionError,
    Limits,
    Sandbox,
    extract_document,
    safe_display_name,
)
from interview.extraction.errors import NO_TEXT, NO_TEXT_LAYER
from interview.extraction.sniff import format_mb, kind_from_name
from interview.models import UploadedJobListing, UploadedResume

logger = logging.getLogger(__name__)

Document = UploadedResume | UploadedJobListing
UPLOAD_WINDOW = timedelta(hours=1)
# Extraction refusals that mean "a readable file with no text in it": a resume keeps such a file, unparsed.
NO_USABLE_TEXT = frozenset({NO_TEXT_LAYER, NO_TEXT})


class UploadRateLimited(ServiceError):
    """The user added UPLOAD_MAX_PER_HOUR documents in the last hour; `retry_after` seconds until the next is allowed."""

    def __init__(self, *, limit: int, retry_after: int) -> None:
        minutes = max(1, math.ceil(retry_after / 60))
        wait = "a minute" if minutes == 1 else f"{minutes} minutes"
        message = (
            f"You have added {limit} resumes and job listings in the last hour, the most allowed. "
            f"Please try again in {wait}."
        )
        super().__init__(ErrorCode.UPLOAD_RATE_LIMITED, message)
        self.retry_after = retry_after


def extraction_limits() -> Limits:
    """The extraction limits from settings."""
    return Limits(
        max_bytes=int(settings.UPLOAD_MAX_BYTES),
        timeout_seconds=float(settings.EXTRACTION_TIMEOUT_SECONDS),
        memory_bytes=int(settings.EXTRACTION_MEMORY_MB) * 2**20,
        max_pages=int(settings.EXTRACTION_MAX_PAGES),
        max_text_chars=int(settings.DOCUMENT_MAX_TEXT_CHARS),
    )


def extraction_sandbox() -> Sandbox:
    """How extraction children are isolated from this process (DJANGO_UNDUMPABLE, EXTRACTION_CHILD_USER)."""
    return Sandbox(undumpable=settings.UNDUMPABLE, child_user=settings.EXTRACTION_CHILD_USER)


def upload_quota_check(*, user: Any) -> None:
    """Raise UploadRateLimited when the user already added UPLOAD_MAX_PER_HOUR resumes and job listings this hour."""
    limit = int(settings.UPLOAD_MAX_PER_HOUR)
    if limit <= 0:
        return
    now = timezone.now()
    since = now - UPLOAD_WINDOW
    recent = sorted(
        [
            *UploadedResume.objects.filter(user=user, uploaded_at__gt=since).values_list("uploaded_at", flat=True),
            *UploadedJobListing.objects.filter(user=user, created_at__gt=since).values_list("created_at", flat=True),
        ]
    )
    if len(recent) < limit:
        return
    # Once this one leaves the window, fewer than `limit` remain.
    frees_at = recent[len(recent) - limit] + UPLOAD_WINDOW
    raise UploadRateLimited(limit=limit, retry_after=max(1, math.ceil((frees_at - now).total_seconds())))


def resume_create(*, user: Any, title: str, upload: UploadedFile | None = None, content: str = "") -> UploadedResume:
    """Store a resume from an upload or pasted text, pending; parsing is queued when the row commits.

    Nothing is stored when the file or the quota refuses. A file without usable text (a scan without a
    text layer, a document of pictures) is kept, marked `error` with NO_TEXT_REASON, and never parsed.
    """
    if (upload is None) == (not content.strip()):
        raise ServiceError(ErrorCode.CONTENT_REQUIRED, "Upload a file or paste the resume's text (one of the two).")
    waits = consent_check(user) == DECLINED  # a declining user's resume is kept, never sent to the model
    resume = UploadedResume(user=user, parsing_status=UploadedResume.PENDING)
    resume.parsing_error = DECLINED_PARSING_REASON if waits else ""
    if upload is None:
        resume.text_content = _clean_pasted(content)
        resume.title = _clean_title(title or _first_line(resume.text_content), UploadedResume)
        upload_quota_check(user=user)
        with transaction.atomic(durable=True):
            _quota_recheck(user)
            resume.save()
            transaction.on_commit(lambda: resume_enqueue(resume_id=resume.pk))
        return resume
    resume.title = _clean_title(title, UploadedResume)
    upload_quota_check(user=user)
    document, data = _extract(upload, keep_without_text=True)
    resume.text_content = document.text
    if not document.text:
        resume.parsing_status, resume.parsing_error = UploadedResume.ERROR, NO_TEXT_REASON
        resume.parsed_at = timezone.now()
        _store(resume, document, data)
    else:
        _store(resume, document, data, after_commit=lambda: resume_enqueue(resume_id=resume.pk))
    return resume


def job_listing_create(
    *, user: Any, title: str = "", upload: UploadedFile | None = None, content: str = ""
) -> UploadedJobListing:
    """Create a job listing from an upload or pasted text, pending; parsing is queued when the row commits."""
    if (upload is None) == (not content.strip()):
        raise ServiceError(ErrorCode.CONTENT_REQUIRED, "Upload a file or paste the job description (one of the two).")
    waits = consent_check(user) == DECLINED  # a declining user's listing is kept, never sent to the model
    upload_quota_check(user=user)
    listing = UploadedJobListing(user=user, parsing_status=UploadedJobListing.PENDING)
    listing.parsing_error = DECLINED_PARSING_REASON if waits else ""
    if upload is not None:
        filename = safe_display_name(upload.name or "")
        listing.title = _clean_title(title or filename.rsplit(".", 1)[0], UploadedJobListing)
        document, data = _extract(upload)
        listing.content, listing.filename = document.text, filename
        _store(listing, document, data, after_commit=lambda: job_listing_enqueue(listing_id=listing.pk))
        return listing
    listing.content = _clean_pasted(content)
    listing.title = _clean_title(title or _first_line(listing.content), UploadedJobListing)
    with transaction.atomic(durable=True):
        _quota_recheck(user)
        listing.save()
        transaction.on_commit(lambda: job_listing_enqueue(listing_id=listing.pk))
    return listing


def resume_retitle(*, resume: UploadedResume, title: str) -> UploadedResume:
    """Rename a resume."""
    resume.title = _clean_title(title, UploadedResume)
    resume.save(update_fields=["title"])
    return resume


class ResumeEditInvalid(ServiceError):
    """An edit of the parsed fields past a limit or of the wrong shape; `field` names the field at fault."""

    def __init__(self, message: str, *, field: str) -> None:
        super().__init__(ErrorCode.INVALID, message)
        self.field = field


def resume_parsed_update(*, resume: UploadedResume, data: Mapping[str, Any]) -> UploadedResume:
    """Store the owner's edit of parsed fields and mark it, so a later re-parse asks first; all or nothing.

    Refused (`invalid`, naming the field) past resume_rules' limits, and (`parsing_busy`) while parsing is
    pending or running, since the parse would overwrite the edit when it finished.
    """
    try:
        cleaned = resume_rules.validate_edit(data)
    except resume_rules.InvalidResume as exc:
        raise ResumeEditInvalid(str(exc), field=exc.field or "non_field_errors") from exc
    with transaction.atomic():
        row = UploadedResume.objects.select_for_update().filter(pk=resume.pk).first()
        if row is None or row.parsing_status in (UploadedResume.PENDING, UploadedResume.IN_PROGRESS):
            raise ServiceError(
                ErrorCode.PARSING_BUSY, "This resume is waiting to be parsed or being parsed; edit it once that ends."
            )
        UploadedResume.objects.filter(pk=resume.pk).update(**cleaned, parsed_edited_at=timezone.now())
    resume.refresh_from_db()
    return resume


def job_listing_retitle(*, listing: UploadedJobListing, title: str) -> UploadedJobListing:
    """Rename a job listing (parsing is not affected)."""
    listing.title = _clean_title(title, UploadedJobListing)
    listing.save(update_fields=["title"])
    return listing


def document_delete(*, document: Document) -> None:
    """Delete a resume or job listing; its file is removed once the deletion has committed."""
    name = document.file.name if document.file else ""
    storage = document.file.storage
    with transaction.atomic():
        document.delete()
        if name:
            transaction.on_commit(lambda: _remove_file(storage, name))


def _store(
    instance: Document, document: ExtractedDocument, data: bytes, *, after_commit: Callable[[], None] | None = None
) -> None:
    """Write the file under a random name and the row in one durable transaction; undo the file on failure."""
    stored: str | None = ""
    try:
        instance.full_clean(exclude=["file", "user"])
    except ValidationError as exc:
        raise ServiceError(ErrorCode.INVALID, " ".join(exc.messages)) from exc
    try:
        with transaction.atomic(durable=True):
            _quota_recheck(instance.user)
            instance.file.save(f"{uuid.uuid4().hex}{document.extension}", ContentFile(data), save=False)
            stored = instance.file.name
            instance.save()
            if after_commit is not None:
                transaction.on_commit(after_commit)
    except BaseException:
        if stored:
            _remove_file(instance.file.storage, stored)
        raise


def _quota_recheck(user: Any) -> None:
    """Inside the saving transaction, with the user's row locked: concurrent uploads cannot all pass the check."""
    get_user_model().objects.select_for_update().filter(pk=user.pk).first()
    upload_quota_check(user=user)


def _extract(upload: UploadedFile, *, keep_without_text: bool = False) -> tuple[ExtractedDocument, bytes]:
    """The file's text and bytes; with `keep_without_text`, a readable file without text gives empty text."""
    limits = extraction_limits()
    try:
        if upload.size is not None and upload.size > limits.max_bytes:
            raise ExtractionError("too_large", limit_mb=format_mb(limits.max_bytes))
        upload.seek(0)
        data = upload.read(limits.max_bytes + 1)
        try:
            document = extract_document(data, filename=upload.name or "", limits=limits, sandbox=extraction_sandbox())
        except ExtractionError as exc:
            if not keep_without_text or exc.code not in NO_USABLE_TEXT:
                raise
            document = ExtractedDocument(kind=kind_from_name(upload.name or ""), text="")
        return document, data
    except ExtractionError as exc:
        raise ServiceError(exc.code, exc.message) from exc


def _remove_file(storage: Any, name: str) -> None:
    try:
        storage.delete(name)
    except OSError:
        logger.exception("Could not remove stored file %s", name)


def _clean_title(title: str, model: type[Document]) -> str:
    cleaned = " ".join((title or "").split())
    limit = model._meta.get_field("title").max_length or 255
    if not cleaned and model is UploadedResume:
        raise ServiceError(ErrorCode.TITLE_REQUIRED, "Give the resume a title.")
    if len(cleaned) > limit:
        raise ServiceError(ErrorCode.TITLE_TOO_LONG, f"The title can be at most {limit} characters.")
    return cleaned


def _clean_pasted(content: str) -> str:
    text = content.replace("\r\n", "\n").strip()
    limit = extraction_limits().max_text_chars
    if len(text) > limit:
        raise ServiceError(ErrorCode.TOO_MUCH_TEXT, f"The text has {len(text):,} characters; the limit is {limit:,}.")
    return text


def _first_line(text: str) -> str:
    line = text.strip().splitlines()[0] if text.strip() else ""
    return line[:80].strip()
