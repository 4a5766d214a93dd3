"""Personal data writes: requesting, building, downloading and purging exports; erasing an account.

An export row is a row job (interview/core/jobs.py): `export_request` creates it (at most one a day) and
queues `export_build_task` once committed; the task builds the ZIP, stores it, mails a link with a fresh
random token (only its SHA-256 is kept) valid EXPORT_LINK_HOURS, once, for the user only.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from interview.audit.actions import AuditAction
from interview.audit.services import audit_record
from interview.core.errors import ErrorCode, ServiceError
from interview.core.jobs import RowJob
from interview.core.storage import storage_delete
from interview.models import DataExport
from interview.privacy.erasure import account_erase
from interview.privacy.export import build_archive

logger = logging.getLogger(__name__)
EXPORT_LINK_HOURS = 24
EXPORT_INTERVAL = timedelta(days=1)
FRESH_LOGIN = timedelta(minutes=10)
INVALID_LINK = "This download link is not valid. Ask for a new export on your data page."

JOB = RowJob(
    model=DataExport,
    key="pk",
    status_field="status",
    lease_field="updated_at",
    error_field="error",
    pending=DataExport.PENDING,
    running=DataExport.RUNNING,
    failed=DataExport.FAILED,
    stale_after=lambda: timedelta(minutes=30),
    interrupted_message="The export was interrupted. Ask for a new one tomorrow, or contact us.",
    queue_failed_message="The export could not be queued. Try again later.",
    label="data export",
)


class ExportRateLimited(ServiceError):
    """A second export within a day; `retry_after` is the wait in whole seconds."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(ErrorCode.EXPORT_RATE_LIMITED, "You can ask for one export of your data a day.")
        self.retry_after = retry_after


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def export_request(*, user: Any, now: datetime | None = None) -> DataExport:
    """Create the user's export and queue its build; refused (ExportRateLimited) within a day of the last."""
    now = now or timezone.now()
    with transaction.atomic():
        get_user_model().objects.select_for_update().filter(pk=user.pk).first()  # one request at a time per user
        last = (  # a failed export does not count: the user may ask again at once
            DataExport.objects.filter(user=user, created_at__gt=now - EXPORT_INTERVAL)
            .exclude(status=DataExport.FAILED)
            .order_by("-created_at")
        )
        previous = last.first()
        if previous is not None:
            wait = previous.created_at + EXPORT_INTERVAL - now
            raise ExportRateLimited(max(1, int(wait.total_seconds())))
        export = DataExport.objects.create(user=user, created_at=now, updated_at=now)
        export_id = export.pk
        transaction.on_commit(lambda: JOB.enqueue(export_build_task, export_id))
    return export


@task()
def export_build_task(export_id: int) -> str:
    """Run in the worker: build the export's archive, store it and mail the link."""
    return export_build(export_id=export_id)


def export_build(*, export_id: int, now: datetime | None = None) -> str:
    claimed_at = JOB.claim(export_id)
    if claimed_at is None:
        return "not pending"
    export = DataExport.objects.select_related("user").get(pk=export_id)
    try:
        content = build_archive(export.user, default_storage)
        name = default_storage.save(f"exports/export-{export_id}-{secrets.token_hex(8)}.zip", ContentFile(content))
    except Exception:
        logger.exception("Data export %s failed", export_id)
        JOB.fail(export_id, claimed_at, "The export could not be built. Ask again, or contact us.")
        return "failed"
    now = now or timezone.now()
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        done = JOB.finish(
            export_id,
            claimed_at,
            status=DataExport.READY,
            file=name,
            completed_at=now,
            expires_at=now + timedelta(hours=EXPORT_LINK_HOURS),
            token_hash=token_hash(token),
        )
        if not done:
            transaction.on_commit(lambda: storage_delete(default_storage, name))
            return "lost its claim"
        audit_record(
            actor=None,
            subject=export.user_id,
            action=AuditAction.DATA_EXPORTED,
            target=export,
            detail={"step": "built"},
        )
    _mail_link(export.user, token)
    return "ready"


def _mail_link(user: Any, token: str) -> None:
    link = settings.SITE_URL.rstrip("/") + reverse("privacy_export_download", args=[token])
    try:
        send_mail(
            "Your data export is ready",
            f"Download your data here (signed in as {user.get_username()}): {link}\n\n"
            f"The link works once, for {EXPORT_LINK_HOURS} hours.",
            None,
            [user.email],
        )
    except Exception:
        logger.exception("Could not mail a data export link")


@dataclass(frozen=True)
class Download:
    content: bytes
    filename: str


def export_download(*, user: Any, token: str, now: datetime | None = None) -> Download:
    """Hand the archive to its owner once, within its time; the file is deleted as it goes out."""
    now = now or timezone.now()
    with transaction.atomic():
        export = DataExport.objects.select_for_update().filter(token_hash=token_hash(token or "")).first()
        if export is None or export.user_id != user.pk:
            raise ServiceError(ErrorCode.INVALID_LINK, INVALID_LINK)
        if export.status == DataExport.DOWNLOADED or export.downloaded_at is not None:
            raise ServiceError(ErrorCode.ALREADY_USED, "This export was already downloaded. Ask for a new one.")
        if export.status != DataExport.READY or export.expires_at is None or export.expires_at <= now:
            raise ServiceError(ErrorCode.EXPIRED_LINK, "This download link has expired. Ask for a new export.")
        name = export.file.name or ""
        try:
            with default_storage.open(name, "rb") as handle:
                content = handle.read()
        except OSError as exc:  # the file is gone (purged, or lost): the link is of no use any more
            raise ServiceError(
                ErrorCode.EXPIRED_LINK, "This export is no longer available. Ask for a new one."
            ) from exc
        DataExport.objects.filter(pk=export.pk).update(status=DataExport.DOWNLOADED, downloaded_at=now, file="")
        audit_record(actor=user, action=AuditAction.DATA_EXPORTED, target=export, detail={"step": "downloaded"})
        transaction.on_commit(lambda: storage_delete(default_storage, name))
    return Download(content=content, filename=f"active-interview-data-{now:%Y-%m-%d}.zip")


def exports_purge(*, now: datetime) -> int:
    """Delete the files of expired exports (the settle loop); return how many."""
    purged = 0
    for export in DataExport.objects.filter(status=DataExport.READY, expires_at__lte=now):
        name = export.file.name
        with transaction.atomic():
            updated = DataExport.objects.filter(pk=export.pk, status=DataExport.READY).update(
                status=DataExport.EXPIRED, file=""
            )
        if updated and name:
            storage_delete(default_storage, name)
            purged += 1
    return purged


def erasure_check(*, user: Any, password: str, request: Any, now: datetime | None = None) -> None:
    """Refuse an erasure without the current password (or, for an account with none, a login in the last 10 minutes)."""
    if user.has_usable_password():
        if not password or not user.check_password(password):
            raise ServiceError(ErrorCode.WRONG_PASSWORD, "That is not your current password. Nothing was erased.")
        return
    now = now or timezone.now()
    if user.last_login is None or user.last_login < now - FRESH_LOGIN:
        raise ServiceError(
            ErrorCode.LOGIN_NOT_FRESH, "Sign in again (within the last 10 minutes) to erase your account."
        )


def account_erase_self(*, user: Any, password: str, request: Any = None) -> str:
    """The user erasing their own account, after the check."""
    erasure_check(user=user, password=password, request=request)
    return account_erase(user=user, by=None, request=request)
