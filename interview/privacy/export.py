"""Building the export archive: data.json (everything held about the user), their files and a README.md.

Rows are written field by field from the models (`row_of`), so the archive follows the data model; a
report is written as the candidate copy rules give it (interview.reports.selectors.report_for_candidate):
no override marks, no one else's notes.
"""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date, datetime
from decimal import Decimal
from pathlib import PurePosixPath
from typing import Any

from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount
from django.db import models

from interview.audit.selectors import audit_events_for_account
from interview.models import (
    Chat,
    ExportableReport,
    InvitedInterview,
    RoleChangeRequest,
    TokenUsage,
    UploadedJobListing,
    UploadedResume,
    UserProfile,
)
from interview.reports.selectors import report_for_candidate

USER_FIELDS = ("id", "username", "email", "first_name", "last_name", "date_joined", "last_login", "is_active")
# Fields of other people, or of the server's bookkeeping, left out of the rows.
LEFT_OUT = {
    "password",
    "token_hash",
    "generation_lease_owner",
    "generation_lease_until",
    "interviewer_feedback",
    "panel_reminders",
    "admin_notes",
    "reviewed_by",
    "decided_by",
    "decision_reason",
    "decision",
}


def _value(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if hasattr(value, "name") and hasattr(value, "storage"):  # a FieldFile
        return value.name or ""
    return value


def row_of(instance: models.Model, *, fields: tuple[str, ...] | None = None) -> dict[str, Any]:
    """One model row as JSON values: its concrete fields (a foreign key as its id), minus LEFT_OUT."""
    row: dict[str, Any] = {}
    for field in instance._meta.concrete_fields:
        if (fields is not None and field.name not in fields) or field.name in LEFT_OUT:
            continue
        key = field.attname if fields is None else field.name
        row[key] = _value(getattr(instance, field.attname))
    return row


def _report(report: ExportableReport, chat: Chat) -> dict[str, Any]:
    invitation = getattr(chat, "invitation", None)
    published = bool(invitation.feedback_published) if invitation is not None else True
    shown = report_for_candidate(report, published=published)
    row = row_of(shown)
    row["versions"] = [row_of(version) for version in report.versions.all()] if invitation is None else []
    return row


def export_data(user: Any) -> dict[str, Any]:
    """Everything held about `user`, as JSON values (the content of data.json)."""
    profile = UserProfile.objects.filter(user=user).first()
    chats = []
    for chat in Chat.objects.filter(user=user).order_by("pk"):
        row = row_of(chat)
        report = ExportableReport.objects.filter(chat=chat).first()
        row["report"] = _report(report, chat) if report is not None else None
        chats.append(row)
    return {
        "format": 1,
        "user": row_of(user, fields=USER_FIELDS),
        "profile": row_of(profile) if profile is not None else None,
        "mfa": sorted(Authenticator.objects.filter(user=user).values_list("type", flat=True)),
        "linked_accounts": [
            {"provider": account.provider, "uid": account.uid} for account in SocialAccount.objects.filter(user=user)
        ],
        "resumes": [row_of(resume) for resume in UploadedResume.objects.filter(user=user).order_by("pk")],
        "job_listings": [row_of(listing) for listing in UploadedJobListing.objects.filter(user=user).order_by("pk")],
        "chats": chats,
        "invitations": [
            row_of(invitation) for invitation in InvitedInterview.objects.filter(candidate=user).order_by("pk")
        ],
        "role_requests": [row_of(request) for request in RoleChangeRequest.objects.filter(user=user).order_by("pk")],
        "token_usage": [row_of(usage) for usage in TokenUsage.objects.filter(user=user).order_by("pk")],
        "audit_events": [row_of(event) for event in audit_events_for_account(user).order_by("pk")],
    }


def _files(data: dict[str, Any]) -> list[str]:
    names = [row["file"] for key in ("resumes", "job_listings") for row in data[key] if row.get("file")]
    names += [chat["report"]["pdf_file"] for chat in data["chats"] if chat["report"] and chat["report"]["pdf_file"]]
    return names


README = """# Your data

This archive holds everything Active Interview keeps about your account (GDPR articles 15 and 20).

- `data.json`: one JSON object.
  - `user`: your account (name, e-mail, when you joined and last signed in).
  - `profile`: your role, how you sign in (`auth_provider`), your verified e-mail.
  - `mfa`: the kinds of second factor you have set up (never their secrets); `linked_accounts`: sign-in providers.
  - `resumes`, `job_listings`: your uploads, with the text extracted from them and the fields parsed from it;
    `file` names the copy of the upload in `files/`.
  - `chats`: your interviews, each with its transcript (`messages`), the key questions as they were asked
    (`key_questions`) and its `report` (scores and feedback as you may see them; `versions`: earlier versions).
  - `invitations`: interviews you were invited to; `role_requests`: roles you asked for.
  - `token_usage`: the AI requests made for you and their token counts.
  - `audit_events`: the account activity recorded about you (sign-ins, changes, exports).
  Dates are ISO 8601 in UTC; a reference to another row is its id (`chat_id`, `resume_id`, ...).
- `files/`: your uploaded documents and report PDFs, under the names `data.json` gives them.
"""


def build_archive(user: Any, storage: Any) -> bytes:
    """The ZIP: data.json, README.md and files/ (a file missing from storage is listed in data.json's `missing_files`)."""
    data = export_data(user)
    buffer = io.BytesIO()
    missing = []
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in _files(data):
            try:
                with storage.open(name, "rb") as handle:
                    archive.writestr(str(PurePosixPath("files") / name), handle.read())
            except OSError:
                missing.append(name)
        data["missing_files"] = missing
        archive.writestr("data.json", json.dumps(data, indent=2, ensure_ascii=False, default=str))
        archive.writestr("README.md", README)
    return buffer.getvalue()
