"""Erasing an account (GDPR article 17) in one transaction.

Gone: the user, their profile, documents and files, practice chats with their reports, role requests,
data exports, sign-in records (allauth e-mail addresses, linked accounts, second factors) and sessions.
Kept anonymised, for the organisation or the ledger: TokenUsage rows (user SET_NULL, totals unchanged);
invited interviews as a record of dates, scores, scorecards and decision (transcript, key-question answers,
title, documents, report texts and versions, notes about the candidate and the candidate's e-mail removed;
the chat moves to the inactive placeholder account ERASED_USERNAME); the user's audit events, whose
name, address, browser, detail and (when it is the user) target are overwritten inside the erasure window
(interview/audit/guard.py, migration 0013). Files are deleted from storage once the transaction commits; a
failed delete is recorded as a PendingFileDeletion and retried by the settle loop.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.core.files.storage import default_storage
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q

from interview.audit.actions import AuditAction
from interview.audit.services import audit_erasure_anonymise, audit_record
from interview.core.storage import storage_delete
from interview.models import (
    Chat,
    DataExport,
    ExportableReport,
    InvitedInterview,
    ObserverNote,
    PendingFileDeletion,
    ReportVersion,
)

logger = logging.getLogger(__name__)
ERASED_USERNAME = "erased-user"
ERASED_LABEL = "erased user"


def erased_ref(user_id: int) -> str:
    """A one-way reference to an erased account (for the ACCOUNT_ERASED event): not the id itself."""
    return hashlib.sha256(f"{settings.SECRET_KEY}:erased:{user_id}".encode()).hexdigest()[:32]


def placeholder_user() -> Any:
    """The inactive account that holds the anonymised records of invited interviews (cannot sign in)."""
    user, created = get_user_model().objects.get_or_create(username=ERASED_USERNAME, defaults={"is_active": False})
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def _files_of(user: Any, invited_chats: Iterable[int]) -> list[str]:
    """The files no delete receiver removes: invited reports' PDFs (the rows stay) and export ZIPs. Uploads and
    practice reports' PDFs leave with their rows (interview/documents/receivers.py, interview/reports/receivers.py)."""
    names = list(ExportableReport.objects.filter(chat_id__in=list(invited_chats)).values_list("pdf_file", flat=True))
    names += DataExport.objects.filter(user=user).values_list("file", flat=True)
    return [name for name in names if name]


def _anonymise_invited(user: Any, chat_ids: list[int], placeholder: Any) -> list[dict[str, Any]]:
    """Strip the invited interviews down to their record; return whom to notify (interviewer, invitation)."""
    Chat.objects.filter(pk__in=chat_ids).update(
        user=placeholder,
        title="Erased candidate",
        messages=[],
        key_questions=[],
        probes=[],
        resume=None,
        job_listing=None,
    )
    ExportableReport.objects.filter(chat_id__in=chat_ids).update(
        feedback_text="", question_responses=[], pdf_file="", pdf_generated=False
    )
    ReportVersion.objects.filter(report__chat_id__in=chat_ids).delete()
    ObserverNote.objects.filter(chat_id__in=chat_ids).delete()
    mine = Q(candidate=user) | Q(chat_id__in=chat_ids)
    if user.email:  # invitations sent to their address and never accepted name them too
        mine |= Q(candidate_email__iexact=user.email)
    invitations = InvitedInterview.objects.filter(mine)
    notify = []
    for invitation in invitations.select_related("interviewer").distinct():
        notify.append({"email": invitation.interviewer.email, "id": invitation.pk})
        InvitedInterview.objects.filter(pk=invitation.pk).update(
            candidate=None, candidate_email=f"erased-{invitation.pk}@invalid", interviewer_feedback=""
        )
    return notify


def _admin_history_forget(user: Any) -> None:
    """Django admin's own history of changes to the account (its LogEntry rows name it)."""
    about = Q(content_type=ContentType.objects.get_for_model(get_user_model()), object_id=str(user.pk))
    named = Q(object_repr__icontains=user.get_username()) | Q(change_message__icontains=user.get_username())
    if user.email:
        named |= Q(object_repr__icontains=user.email) | Q(change_message__icontains=user.email)
    LogEntry.objects.filter(about | named).delete()


def _end_sessions(user_id: int) -> None:
    for session in Session.objects.all().iterator():
        if str(session.get_decoded().get("_auth_user_id")) == str(user_id):
            session.delete()


def account_erase(*, user: Any, by: Any = None, request: Any = None) -> str:
    """Erase `user` in one transaction (`by`: the admin doing it, None for the user themself); return the
    one-way reference written to the ACCOUNT_ERASED event. Files go after the commit."""
    user_id, username, email = user.pk, user.get_username(), user.email
    ref = erased_ref(user_id)
    with transaction.atomic():
        invited = list(Chat.objects.filter(user=user, invitation__isnull=False).values_list("pk", flat=True)) + list(
            InvitedInterview.objects.filter(candidate=user, chat__isnull=False).values_list("chat_id", flat=True)
        )
        invited = sorted(set(invited))
        files = _files_of(user, invited)
        notify = _anonymise_invited(user, invited, placeholder_user())
        audit_erasure_anonymise(user_id=user_id, username=username, email=email, label=ERASED_LABEL)
        _admin_history_forget(user)
        _end_sessions(user_id)
        user.delete()  # cascades: profile, documents, practice chats and reports, requests, exports, sign-in rows
        audit_record(
            actor=by,
            actor_label=None if by is not None else ERASED_LABEL,
            subject=None,
            action=AuditAction.ACCOUNT_ERASED,
            target=(get_user_model(), ref),
            request=request if by is not None else None,
            detail={"by": "admin" if by is not None else "self", "invited_interviews_kept": len(invited)},
        )
        transaction.on_commit(lambda: files_delete(files))
        transaction.on_commit(lambda: _notify(notify))
    logger.info("Account erased (%s)", ref)
    return ref


def files_delete(names: Iterable[str]) -> int:
    """Delete stored files; a failure is recorded for the settle loop to retry. Return how many failed."""
    return sum(not storage_delete(default_storage, name) for name in names)


def pending_deletions_retry() -> int:
    """Retry the stored files an erasure could not delete (the settle loop); return how many are gone now."""
    done = 0
    for pending in PendingFileDeletion.objects.all():
        try:
            default_storage.delete(pending.name)
        except Exception as exc:
            PendingFileDeletion.objects.filter(pk=pending.pk).update(
                attempts=pending.attempts + 1, last_error=str(exc)[:500]
            )
            continue
        pending.delete()
        done += 1
    return done


def _notify(notify: list[dict[str, Any]]) -> None:
    """One e-mail per inviting interviewer, naming their invitations by number only."""
    by_email: dict[str, list[int]] = {}
    for row in notify:
        if row["email"]:
            by_email.setdefault(row["email"], []).append(row["id"])
    for email, ids in by_email.items():
        numbers = ", ".join(f"#{pk}" for pk in sorted(ids))
        try:
            send_mail(
                "A candidate erased their account",
                f"The candidate of your invitation(s) {numbers} erased their account. What the interviews "
                "produced stays as an anonymous record: dates, scores, scorecards and your decision; the "
                "transcript, documents and the candidate's name and address are gone.",
                None,
                [email],
            )
        except Exception:
            logger.exception("Could not notify an interviewer of an erased candidate")
