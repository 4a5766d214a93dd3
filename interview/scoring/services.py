"""Scorecards: save a draft, submit it (final), and an admin's reopening.

Every write runs in one transaction with the invitation row locked, so two saves of one interviewer's
scorecard never interleave and a refused save changes nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction

from interview.accounts.permissions import is_admin
from interview.audit.actions import AuditAction
from interview.audit.services import audit_record
from interview.core.errors import ErrorCode, ServiceError
from interview.core.rubric import rubric_or_default
from interview.fairness.services import fairness_guard_fields
from interview.models import Chat, InvitedInterview, Scorecard
from interview.scoring.blind import may_score

logger = logging.getLogger(__name__)

SCORE_MIN = 1
SCORE_MAX = 5
COMMENT_MAX_CHARS = 2000
NOTES_MAX_CHARS = 10_000
RECOMMENDATIONS = tuple(code for code, _ in Scorecard.RECOMMENDATION_CHOICES)


@dataclass(frozen=True)
class ScorecardInput:
    """What a caller sends: scores to merge into the draft (None removes one), and optional fields."""

    scores: Mapping[str, Any] | None = None
    recommendation: str | None = None
    notes: str | None = None
    submit: bool = False
    # Keep wording the fairness library only warns about (blocking terms are refused regardless).
    confirm_language: bool = False


def scorecard_save(*, chat: Chat, user: Any, data: ScorecardInput, now: datetime) -> Scorecard:
    """Create or update the user's draft scorecard of the chat, and with `submit` submit it (final).

    Scores are merged per criterion into the draft; all of the result is checked before anything is
    written. Submission needs every rubric criterion scored, a recommendation and a completed interview.
    """
    if not may_score(user, chat):
        raise ServiceError(ErrorCode.NOT_ON_PANEL, "Only the interview's panel and admins can score it.")
    criteria = {c["key"] for c in rubric_or_default(chat.rubric)}
    with transaction.atomic():
        InvitedInterview.objects.select_for_update().filter(chat_id=chat.pk).first()
        card = Scorecard.objects.select_for_update().filter(chat=chat, interviewer_id=user.pk).first()
        if card is not None and card.is_submitted:
            raise ServiceError(
                ErrorCode.ALREADY_SUBMITTED, "Your scorecard is submitted and final; an admin can reopen it."
            )
        card = card or Scorecard(chat=chat, interviewer=user)
        before = (dict(card.scores or {}), card.notes)
        card.scores = _merged_scores(card.scores or {}, data.scores, criteria)
        if data.recommendation is not None:
            card.recommendation = _recommendation(data.recommendation)
        if data.notes is not None:
            card.notes = _notes(data.notes)
        fairness_guard_fields(texts=_changed_texts(card, *before), confirmed=data.confirm_language)
        if data.submit:
            _check_submittable(card, criteria, chat)
            card.status = Scorecard.SUBMITTED
            card.submitted_at = now
        card.save()
        if data.submit:
            detail = {"chat": chat.pk, "recommendation": card.recommendation}
            audit_record(actor=user, action=AuditAction.SCORECARD_SUBMITTED, target=card, detail=detail)
    return card


def _changed_texts(card: Scorecard, scores: Mapping[str, Any], notes: str) -> dict[str, str]:
    """The scorecard's texts this save writes or changes, by form field (`notes`, `comment_<key>`)."""
    texts = {"notes": card.notes} if card.notes != notes else {}
    for key, entry in card.scores.items():
        comment = _comment_of(entry)
        if comment and comment != _comment_of(scores.get(key)):
            texts[f"comment_{key}"] = comment
    return texts


def _comment_of(entry: Any) -> str:
    return str(entry.get("comment") or "") if isinstance(entry, Mapping) else ""


def _merged_scores(current: Mapping[str, Any], incoming: Mapping[str, Any] | None, criteria: set[str]) -> dict:
    if incoming is None:
        return {k: v for k, v in current.items() if k in criteria}
    if not isinstance(incoming, Mapping):
        raise ServiceError(ErrorCode.INVALID, 'Scores are an object: {"criterion key": {"score": 1-5, "comment": ""}}.')
    unknown = sorted(str(k) for k in incoming if k not in criteria)
    if unknown:
        raise ServiceError(
            ErrorCode.UNKNOWN_CRITERION,
            f"This interview's rubric has no criterion {', '.join(unknown)}; its criteria are "
            f"{', '.join(sorted(criteria))}.",
        )
    merged = {k: v for k, v in current.items() if k in criteria}
    for key, value in incoming.items():
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = _entry(key, value)
    return merged


def _entry(key: str, value: Any) -> dict[str, Any]:
    """One criterion's entry from `4` or `{"score": 4, "comment": "..."}`."""
    score, comment = (value.get("score"), value.get("comment", "")) if isinstance(value, Mapping) else (value, "")
    if isinstance(score, bool) or not isinstance(score, int) or not SCORE_MIN <= score <= SCORE_MAX:
        raise ServiceError(
            ErrorCode.SCORE_OUT_OF_RANGE, f"The score of {key} must be a whole number from {SCORE_MIN} to {SCORE_MAX}."
        )
    if comment is None:
        comment = ""
    if not isinstance(comment, str) or len(comment) > COMMENT_MAX_CHARS:
        raise ServiceError(ErrorCode.INVALID, f"The comment on {key} must be text of at most {COMMENT_MAX_CHARS}.")
    return {"score": score, "comment": comment.strip()}


def _recommendation(value: Any) -> str:
    if value == "" or value in RECOMMENDATIONS:
        return str(value)
    raise ServiceError(ErrorCode.INVALID, f"The recommendation must be one of {', '.join(RECOMMENDATIONS)}.")


def _notes(value: Any) -> str:
    if not isinstance(value, str) or len(value) > NOTES_MAX_CHARS:
        raise ServiceError(ErrorCode.INVALID, f"Notes must be text of at most {NOTES_MAX_CHARS} characters.")
    return value.strip()


def _check_submittable(card: Scorecard, criteria: set[str], chat: Chat) -> None:
    if chat.status != Chat.COMPLETED:
        raise ServiceError(ErrorCode.NOT_COMPLETED, "A scorecard can be submitted once the interview has ended.")
    missing = sorted(criteria - set(card.scores))
    if missing or not card.recommendation:
        parts = [f"score {', '.join(missing)}"] if missing else []
        parts += [] if card.recommendation else ["choose a recommendation"]
        raise ServiceError(ErrorCode.SCORECARD_INCOMPLETE, f"Before submitting, {' and '.join(parts)}.")


def scorecard_reopen(*, scorecard_id: int, by: Any, now: datetime) -> Scorecard:
    """An admin turns a submitted scorecard back into a draft; who and when are recorded (and logged)."""
    if not is_admin(by):
        raise ServiceError(ErrorCode.FORBIDDEN, "Only an admin can reopen a submitted scorecard.")
    with transaction.atomic():
        card = Scorecard.objects.select_for_update().filter(pk=scorecard_id).first()
        if card is None:
            raise ServiceError(ErrorCode.NOT_FOUND, "No such scorecard.")
        if not card.is_submitted:
            raise ServiceError(ErrorCode.INVALID, "Only a submitted scorecard can be reopened.")
        card.status = Scorecard.DRAFT
        card.reopened_at = now
        card.reopened_by = by
        card.save(update_fields=["status", "reopened_at", "reopened_by", "updated_at"])
        detail = {"chat": card.chat_id, "interviewer": card.interviewer_id}
        audit_record(actor=by, action=AuditAction.SCORECARD_REOPENED, target=card, detail=detail)
    logger.info(
        "Scorecard %s (chat %s, interviewer %s) reopened by %s", card.pk, card.chat_id, card.interviewer_id, by.pk
    )
    return card
