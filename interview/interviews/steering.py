"""Writes of an observer steering a live interview: probes, skipping a question, pausing and resuming.

Like services.py, each function runs in one transaction with the chat row locked and returns what
the caller must broadcast; a refusal raises ServiceError before anything is written.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction

from interview.audit.actions import AuditAction
from interview.audit.services import audit_record
from interview.core.errors import ErrorCode, ServiceError
from interview.interviews import transcript as s
from interview.interviews.services import (
    ProbeDelivery,
    TurnStart,
    _add_turn,
    _locked_chat,
    _running,
    _running_fields,
    _window_closed,
    interview_end,
    probe_deliver,
    question_extend,
)
from interview.models import Chat


@dataclass
class ProbeResult:
    """A probe accepted: its pending record, and its delivery when it was asked at once."""

    probe: dict[str, Any]
    delivery: ProbeDelivery | None


@dataclass
class SkipResult:
    index: int
    follow_up: dict[str, Any] | None  # the skipped follow-up's frame fields; None for a key question
    turn: TurnStart | None


@dataclass
class ResumeResult:
    seconds: float
    by_name: str
    reason: str
    # The running question whose deadline moved: index, new deadline (and a follow-up's fields).
    question: dict[str, Any] | None


def _in_progress(chat: Chat, action: str) -> None:
    if chat.status == Chat.COMPLETED:
        raise ServiceError(ErrorCode.COMPLETED, f"This interview has finished; there is nothing to {action}.")
    if chat.status != Chat.IN_PROGRESS:
        raise ServiceError(ErrorCode.NOT_STARTED, f"The interview has not started; there is nothing to {action}.")


def _question_running(chat: Chat) -> dict[str, Any] | None:
    """The running question's stored dict while its clock runs (asked, unanswered), else None."""
    question = _running(chat)
    if chat.question_deadline is None or question is None or question.get("status") != s.Q_ASKED:
        return None
    return question


def probe_submit(*, chat_id: int, content: str, by: int, by_name: str, now: datetime) -> ProbeResult:
    """Queue an observer's probe for the current key question; ask it at once when the candidate is idle.

    Idle means no question's clock runs and no reply is streaming; otherwise the probe waits for the
    candidate's answer (or for the streaming reply to end without starting a question).
    """
    with transaction.atomic():
        chat = _locked_chat(chat_id)
        _in_progress(chat, "ask")
        index = chat.current_question_index
        if index is None or not 0 <= index < len(chat.key_questions):
            raise ServiceError(ErrorCode.INVALID, "No key question has been asked yet; probe once the first one is.")
        if s.probes_used(chat.key_questions[index], chat.probes, index) >= s.MAX_PROBES:
            raise ServiceError(
                ErrorCode.PROBE_LIMIT, f"At most {s.MAX_PROBES} probes per key question; this one has them all."
            )
        probe = {
            "id": "p-" + uuid.uuid4().hex[:12],
            "content": content,
            "index": index,
            "by": by,
            "by_name": by_name,
            "queued_at": s.iso(now),
        }
        chat.probes.append(probe)
        delivery = None
        if _question_running(chat) is None and s.streaming_message(chat.messages) is None:
            delivery = probe_deliver(chat, now)
        chat.save()
        audit_record(
            actor=by, action=AuditAction.PROBE_SUBMITTED, target=chat, detail={"probe": probe["id"], "index": index}
        )
        return ProbeResult(probe=probe, delivery=delivery)


def question_skip(*, chat_id: int, now: datetime, by: int | None = None) -> SkipResult:
    """End the running question (key or follow-up) now as skipped and plan the next turn, as after an expiry."""
    with transaction.atomic():
        chat = _locked_chat(chat_id, for_turn=True)
        _in_progress(chat, "skip")
        if chat.paused_at is not None:
            raise ServiceError(ErrorCode.PAUSED, "The interview is paused; resume it before skipping a question.")
        question = _question_running(chat)
        index = chat.current_question_index
        if question is None or index is None:
            raise ServiceError(ErrorCode.INVALID, "No question is running, so there is nothing to skip.")
        skipped_follow_up = _running_fields(chat, index) or None
        question.update(status=s.Q_SKIPPED, skipped_at=s.iso(now))
        chat.question_deadline = None
        chat.current_follow_up = None
        turn = None
        if s.streaming_message(chat.messages) is None and not _window_closed(chat, now):
            turn = _add_turn(chat, s.plan_after(chat.key_questions, index, skipped=True), now)
        chat.save()
        audit_record(actor=by, action=AuditAction.QUESTION_SKIPPED, target=chat, detail={"index": index})
        return SkipResult(index=index, follow_up=skipped_follow_up, turn=turn)


def interview_pause(*, chat_id: int, by: int, by_name: str, reason: str, now: datetime) -> datetime:
    """Stop every clock of a running interview (its question's deadline, its window) until resumed."""
    with transaction.atomic():
        chat = _locked_chat(chat_id)
        _in_progress(chat, "pause")
        if chat.paused_at is not None:
            raise ServiceError(ErrorCode.PAUSED, "The interview is already paused.")
        chat.paused_at = now
        s.pause_begin(chat.pauses, by=by, by_name=by_name, reason=reason, now=now)
        chat.save(update_fields=["paused_at", "pauses", "updated_at"])
        audit_record(actor=by, action=AuditAction.INTERVIEW_PAUSED, target=chat, detail={"reason": reason[:200]})
        return now


def interview_resume(
    *, chat_id: int, now: datetime, reason: str = "", auto: bool = False, by: int | None = None
) -> ResumeResult | None:
    """Restart the clocks of a paused interview, each moved by the time paused.

    With `auto` (the watcher ending a pause past PAUSE_MAX_SECONDS) a chat not paused any more, or
    not for that long, returns None instead of raising.
    """
    with transaction.atomic():
        chat = _locked_chat(chat_id)
        paused_at = chat.paused_at
        if auto and (paused_at is None or now < paused_at + timedelta(seconds=settings.PAUSE_MAX_SECONDS)):
            return None
        if paused_at is None:
            raise ServiceError(ErrorCode.NOT_PAUSED, "The interview is not paused.")
        pause = chat.pauses[-1] if chat.pauses else {}
        seconds = s.pause_end(chat.pauses, started=paused_at, now=now, auto=auto)
        shift = timedelta(seconds=seconds)
        chat.paused_at = None
        if chat.ends_at is not None:
            chat.ends_at += shift
        question = None
        running = _running(chat)
        index = chat.current_question_index
        if chat.question_deadline is not None and running is not None and index is not None:
            chat.question_deadline += shift
            running["deadline"] = s.iso(chat.question_deadline)
            if chat.question_started_at is not None:  # answer times leave the pause out
                chat.question_started_at += shift
            question = {"index": index, "deadline": chat.question_deadline, **_running_fields(chat, index)}
        chat.save()
        detail = {"seconds": round(seconds, 1), "auto": auto}
        audit_record(actor=None if auto else by, action=AuditAction.INTERVIEW_RESUMED, target=chat, detail=detail)
        return ResumeResult(
            seconds=seconds, by_name=pause.get("by_name", ""), reason="auto" if auto else reason, question=question
        )


def observer_question_extend(*, chat_id: int, by: int, seconds: int, now: datetime) -> dict[str, Any]:
    """An observer adds time to the running question (services.question_extend), audited in its transaction."""
    with transaction.atomic():
        result = question_extend(chat_id=chat_id, seconds=seconds, now=now)
        audit_record(
            actor=by,
            action=AuditAction.QUESTION_EXTENDED,
            target=(Chat, chat_id),
            detail={"index": result["index"], "seconds": seconds},
        )
        return result


def observer_interview_end(*, chat_id: int, by: int, now: datetime) -> bool:
    """An observer ends the interview now (services.interview_end); False, and no event, if it had ended."""
    with transaction.atomic():
        ended = interview_end(chat_id=chat_id, now=now)
        if ended:
            audit_record(actor=by, action=AuditAction.INTERVIEW_ENDED, target=(Chat, chat_id))
        return ended
