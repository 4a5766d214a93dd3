"""The AI's own report text through the same check (issue 21): which fields use library terms, and the
candidate's copy with those fields held back until a person has reviewed them.

Pure code over the report's fields (no ORM): the report service stores the flags when it saves a grade,
the report selectors hide the flagged text from the candidate.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from interview.fairness.check import Flag, Matcher, distinct_terms

REVIEW_NOTICE = "This feedback is being reviewed by a person."
FEEDBACK_FIELD = "feedback_text"


class ReportText(Protocol):
    feedback_text: str
    question_responses: list[dict[str, Any]]
    criterion_scores: list[dict[str, Any]]


def report_texts(report: ReportText) -> dict[str, str]:
    """The AI's free text by field: `feedback_text`, `question_responses.<i>.feedback`, `criterion_scores.<i>.feedback`."""
    texts = {FEEDBACK_FIELD: report.feedback_text or ""}
    for name in ("question_responses", "criterion_scores"):
        for position, item in enumerate(getattr(report, name) or []):
            if isinstance(item, Mapping) and isinstance(item.get("feedback"), str):
                texts[f"{name}.{position}.feedback"] = item["feedback"]
    return texts


def report_flags(report: ReportText, matcher: Matcher) -> list[dict[str, str]]:
    """Each library term the report's text uses, once per field: {term, category, severity, explanation, field}."""
    flags: list[dict[str, str]] = []
    for field, text in report_texts(report).items():
        flags.extend({**flag.public(), "field": field} for flag in distinct_terms(matcher.find(text)))
    return flags


def flagged_fields(flags: Sequence[Mapping[str, Any]]) -> set[str]:
    return {str(flag.get("field")) for flag in flags}


def report_held_back(report: Any) -> Any:
    """An unsaved copy of the report whose flagged text reads REVIEW_NOTICE (the report itself when none is)."""
    fields = flagged_fields(report.fairness_flags or []) if report.needs_human_review else set()
    if not fields:
        return report
    shown = copy.copy(report)
    if FEEDBACK_FIELD in fields:
        shown.feedback_text = REVIEW_NOTICE
    for name in ("question_responses", "criterion_scores"):
        items = [dict(item) if isinstance(item, Mapping) else item for item in getattr(report, name) or []]
        for position, item in enumerate(items):
            if f"{name}.{position}.feedback" in fields and isinstance(item, dict):
                item["feedback"] = REVIEW_NOTICE
                item["feedback_under_review"] = True
        setattr(shown, name, items)
    return shown


def highlighted(text: str, flags: list[Flag]) -> list[tuple[str, bool]]:
    """The text cut into (piece, is_flagged) runs, for the hiring team's view with the terms marked."""
    pieces: list[tuple[str, bool]] = []
    cursor = 0
    for flag in sorted(flags, key=lambda f: f.start):
        if flag.start < cursor:
            continue
        pieces += [(text[cursor : flag.start], False), (text[flag.start : flag.end], True)]
        cursor = flag.end
    pieces.append((text[cursor:], False))
    return [(piece, marked) for piece, marked in pieces if piece]
