"""Helpers of the privacy tests: a user with something of everything, and a scan of every table and file."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import models
from django.utils import timezone

from interview.audit.actions import AuditAction
from interview.audit.services import audit_record
from interview.models import ObserverNote, ReportVersion
from tests.factories import (
    ChatFactory,
    InvitationFactory,
    JobListingFactory,
    ReportFactory,
    ResumeFactory,
    RoleChangeRequestFactory,
    TokenUsageFactory,
    UserFactory,
)

MARKER = "ZEBRA-MARKER-7731"
PASSWORD = "correct-horse-battery"


def rich_user(username: str = "marta") -> dict[str, Any]:
    """A candidate with documents, a practice chat with a report (PDF and a version), an invited interview
    with a report and an observer note, a role request, token usage and audit events; the marker planted
    in their documents and answers."""
    user = UserFactory(username=username, email=f"{username}.kowalska@example.com")
    resume = ResumeFactory(
        user=user,
        text_content=f"Resume of {MARKER}",
        file=ContentFile(f"resume {MARKER}".encode(), name=f"resume-{username}.txt"),
    )
    listing = JobListingFactory(user=user, content=f"Listing {MARKER}")
    answers = [{"role": "assistant", "content": "Tell me about you."}, {"role": "user", "content": f"I am {MARKER}"}]
    practice = ChatFactory(user=user, messages=answers, resume=resume, status="completed", title=f"Mine {MARKER}")
    report = ReportFactory(chat=practice, feedback_text=f"Good, {MARKER}", overall_score=80, status="completed")
    report.pdf_file.save(f"report-{username}.pdf", ContentFile(f"%PDF {MARKER}".encode()))
    ReportVersion.objects.create(report=report, version=1, feedback_text=f"old {MARKER}", generated_at=timezone.now())
    interviewer = UserFactory(username="hiring-lead", role="interviewer")
    invited_chat = ChatFactory(user=user, messages=answers, status="completed", title=f"Invited {MARKER}")
    invitation = InvitationFactory(
        interviewer=interviewer, candidate=user, candidate_email=user.email, chat=invited_chat, status="completed"
    )
    ReportFactory(chat=invited_chat, feedback_text=f"Invited {MARKER}", overall_score=70, status="completed")
    InvitationFactory(interviewer=interviewer, candidate_email=user.email.upper())  # never accepted
    ObserverNote.objects.create(chat=invited_chat, author=interviewer, text=f"{username} said {MARKER}")
    RoleChangeRequestFactory(user=user, reason=f"Please {MARKER}")
    usage = [TokenUsageFactory(user=user, chat=practice), TokenUsageFactory(user=user, chat=invited_chat)]
    audit_record(actor=user, action=AuditAction.LOGIN, detail={"email": user.email})
    audit_record(actor=interviewer, subject=user, action=AuditAction.ROLE_DECIDED, target=user)
    return {
        "user": user,
        "resume": resume,
        "listing": listing,
        "practice": practice,
        "invited_chat": invited_chat,
        "invitation": invitation,
        "interviewer": interviewer,
        "usage": usage,
    }


def _text_columns(model: type[models.Model]) -> list[models.Field]:
    kinds = (models.CharField, models.TextField, models.JSONField, models.FileField, models.EmailField)
    return [field for field in model._meta.concrete_fields if isinstance(field, kinds)]


def leftovers(*, user_id: int, needles: list[str]) -> list[str]:
    """Every place in the database (all models of all apps) or under MEDIA_ROOT still holding the user's id
    (as a foreign key to the user model) or one of `needles` (case-insensitive)."""
    found = []
    user_model = get_user_model()
    lowered = [needle.lower() for needle in needles]
    for model in apps.get_models():
        manager = model._base_manager
        for field in model._meta.concrete_fields:
            if field.is_relation and field.related_model is user_model:
                if manager.filter(**{field.attname: user_id}).exists():
                    found.append(f"{model._meta.label}.{field.name} = {user_id}")
        if model is user_model and manager.filter(pk=user_id).exists():
            found.append(f"{model._meta.label} row {user_id}")
        columns = _text_columns(model)
        for row in manager.values_list("pk", *[field.attname for field in columns]):
            for field, value in zip(columns, row[1:], strict=True):
                text = (json.dumps(value) if not isinstance(value, str) else value).lower()
                hits = [needle for needle in lowered if needle in text]
                if hits:
                    found.append(f"{model._meta.label}#{row[0]}.{field.name} holds {hits}")
    media = Path(settings.MEDIA_ROOT)
    for path in media.rglob("*") if media.exists() else []:
        if path.is_file():
            content = _readable(path).lower()
            name = str(path.relative_to(media)).lower()
            hits = [needle for needle in lowered if needle.encode() in content or needle in name]
            if hits:
                found.append(f"file {path.relative_to(media)} holds {hits}")
    return found


def _readable(path: Path) -> bytes:
    """A file's bytes; for a ZIP (an export), its members' bytes too (they are compressed)."""
    content = path.read_bytes()
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            content += b"".join(archive.read(name) + name.encode() for name in archive.namelist())
    return content


def later(hours: float) -> Any:
    return timezone.now() + timezone.timedelta(hours=hours)
