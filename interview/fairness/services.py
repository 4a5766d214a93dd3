"""The fairness guard every free-text save of an evaluation goes through (issue 21).

A blocking term refuses the save (`biased_language`, naming the term and why); a warning term refuses it
until the writer confirms (`confirm_language`). Either refusal carries `data`: `terms` (each flagged term
with its category, severity and explanation) and `field` (the first field at fault), so pages can show
the error under that field and APIs and sockets can return the terms.
"""

from __future__ import annotations

from collections.abc import Mapping

from interview.core.errors import ErrorCode, ServiceError
from interview.fairness.check import Flag, distinct_terms
from interview.fairness.selectors import fairness_flags


def fairness_guard(*, text: str, confirmed: bool, field: str = "text") -> list[Flag]:
    """Check one text before it is saved: raise on a blocking term, or on a warning not yet confirmed.

    Returns the warnings the writer confirmed (empty when the text is clean).
    """
    return fairness_guard_fields(texts={field: text}, confirmed=confirmed)


def fairness_guard_fields(*, texts: Mapping[str, str], confirmed: bool) -> list[Flag]:
    """Check several texts of one save together: any blocking term in any of them refuses it."""
    flagged = {field: distinct_terms(fairness_flags(text or "")) for field, text in texts.items()}
    flagged = {field: flags for field, flags in flagged.items() if flags}
    if not flagged:
        return []
    every = distinct_terms(flag for flags in flagged.values() for flag in flags)
    blocking = [f for f in every if f.blocks]
    if blocking:
        field = next(name for name, flags in flagged.items() if any(f.blocks for f in flags))
        data = {"terms": [f.public() for f in every], "field": field}
        raise ServiceError(ErrorCode.BIASED_LANGUAGE, blocked_message(blocking), details=data)
    if not confirmed:
        data = {"terms": [f.public() for f in every], "field": next(iter(flagged))}
        raise ServiceError(ErrorCode.CONFIRM_LANGUAGE, confirm_message(every), details=data)
    return every


def blocked_message(flags: list[Flag]) -> str:
    """The refusal naming each blocking term and why."""
    reasons = " ".join(f"“{f.term}”: {f.explanation}" for f in flags)
    return f"This cannot be saved: it uses language about a protected characteristic. {reasons}"


def confirm_message(flags: list[Flag]) -> str:
    """The question asking the writer to confirm warning terms."""
    reasons = " ".join(f"“{f.term}”: {f.explanation}" for f in flags)
    return f"Please check this wording before saving. {reasons} Tick “Save anyway” to keep it as written."
