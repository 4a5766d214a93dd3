"""Writes an observer makes: private notes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction

from interview.audit.actions import AuditAction
from interview.audit.services import audit_record
from interview.core.errors import ErrorCode, ServiceError
from interview.fairness.services import fairness_guard
from interview.interviews import transcript as s
from interview.models import Chat, ObserverNote


def observer_note_add(
    *, chat_id: int, author_id: int, text: str, now: datetime, confirm_language: bool = False
) -> dict[str, Any]:
    """Store a private note, stamped with the interview's elapsed time and running question.

    The note passes the fairness guard first (`confirm_language` keeps wording it only warns about).
    """
    with transaction.atomic():
        chat = Chat.objects.filter(pk=chat_id).only("started_at", "current_question_index", "question_deadline").first()
        if chat is None:
            raise ServiceError(ErrorCode.NOT_FOUND, "This interview no longer exists.")
        fairness_guard(text=text, confirmed=confirm_language)
        elapsed = round((now - chat.started_at).total_seconds(), 1) if chat.started_at else None
        question_index = chat.current_question_index if chat.question_deadline is not None else None
        note = ObserverNote.objects.create(
            chat_id=chat_id, author_id=author_id, text=text, elapsed_seconds=elapsed, question_index=question_index
        )
        audit_record(actor=author_id, action=AuditAction.OBSERVER_NOTE, target=note, detail={"chat": chat_id})
        return note_public(note, author_name=None)


def note_public(note: ObserverNote, *, author_name: str | None) -> dict[str, Any]:
    """A note as observers see it."""
    return {
        "id": note.pk,
        "text": note.text,
        "author": author_name
        if author_name is not None
        else (note.author.username if note.author is not None else "deleted user"),
        "elapsed_seconds": note.elapsed_seconds,
        "question_index": note.question_index,
        "created_at": s.iso(note.created_at),
    }


def observer_notes_list(chat_id: int) -> list[dict[str, Any]]:
    """The chat's notes, oldest first."""
    notes = ObserverNote.objects.filter(chat_id=chat_id).select_related("author")
    return [note_public(n, author_name=None) for n in notes]
