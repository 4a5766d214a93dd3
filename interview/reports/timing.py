"""How long each answer took against its time limit, for the report's page, PDF and CSV (issue 22).

The limits are those the candidate had: with an accommodation, the multiplied ones (the chat's key
questions store them once the interview starts; interview/interviews/accommodation.py).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from interview.interviews.accommodation import extra_time_label
from interview.models import Chat


def _number(value: Any) -> float | None:
    return value if isinstance(value, int | float) and not isinstance(value, bool) else None


def _seconds(value: float) -> str:
    return f"{value:g} s" if value < 120 else f"{int(value) // 60}:{int(value) % 60:02d} min"


def answer_time_label(answer_seconds: Any, time_limit: Any) -> str:
    """ "answered in 72 s of 90 s", "limit 90 s" (no answer), or "" when the chat kept no limit."""
    limit, taken = _number(time_limit), _number(answer_seconds)
    if limit is None:
        return ""
    if taken is None:
        return f"limit {_seconds(limit)}"
    return f"answered in {_seconds(taken)} of {_seconds(limit)}"


def timing_of(question: Mapping[str, Any]) -> dict[str, Any]:
    """One question's (or follow-up's) answer time, limit and their label."""
    seconds, limit = _number(question.get("answer_seconds")), _number(question.get("time_limit"))
    return {"answer_seconds": seconds, "time_limit": limit, "answer_time": answer_time_label(seconds, limit)}


def follow_up_timing(key_question: Mapping[str, Any], number: Any) -> dict[str, Any]:
    """The timing of follow-up `number` of a stored key question (empty values when it is not there)."""
    entries = key_question.get("follow_ups")
    for entry in entries if isinstance(entries, list) else []:
        if isinstance(entry, Mapping) and entry.get("number") == number:
            return timing_of(entry)
    return timing_of({})


def key_question_at(chat: Chat | None, index: int) -> Mapping[str, Any]:
    """The chat's stored key question `index`, or {} (a report of a deleted or older chat)."""
    questions: Sequence[Any] = chat.key_questions if chat is not None else []
    item = questions[index] if 0 <= index < len(questions) else {}
    return item if isinstance(item, Mapping) else {}


def accommodation_note(chat: Chat | None) -> str:
    """ "Accommodation: extra time applied (1.5×); answer times are shown against the adjusted limits." or ""."""
    label = extra_time_label(chat.time_multiplier) if chat is not None else ""
    return (
        f"Accommodation: extra time applied ({label}); answer times are shown against the adjusted limits."
        if label
        else ""
    )
