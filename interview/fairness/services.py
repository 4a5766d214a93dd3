"""The fairness guard every free-text save of an evaluation goes through (issue 21).

A blocking term refuses the save (`biased_language`, naming the term and why); a warning term refuses it
until the writer confirms (`confirm_language`). Either refusal carries the flagged terms as `data["terms"]`.
"""

from __future__ import annotations

from collections.abc import Iterable

from interview.core.errors import ErrorCode, ServiceError
from interview.fairness.check import Flag, distinct_terms
from interview.fairness.selectors import fairness_flags


def fairness_guard(*, text: str | Iterable[str], confirmed: bool) -> list[Flag]:
    """Check text before it is saved: raise on a blocking term, or on a warning not yet confirmed.

    Returns the warnings the writer confirmed (empty when the text is clean).
    """
    joined = text if isinstance(text, str) else "\n".join(t for t in text if t)
    flags = distinct_terms(fairness_flags(joined))
    if not flags:
        return []
    data = {"terms": [f.public() for f in flags]}
    blocking = [f for f in flags if f.blocks]
    if blocking:
        raise ServiceError(ErrorCode.BIASED_LANGUAGE, blocked_message(blocking), data=data)
    if not confirmed:
        raise ServiceError(ErrorCode.CONFIRM_LANGUAGE, confirm_message(flags), data=data)
    return flags


def blocked_message(flags: list[Flag]) -> str:
    """The refusal naming each blocking term and why."""
    reasons = "; ".join(f'"{f.term}": {f.explanation}' for f in flags)
    return f"This text cannot be saved because it uses language about a protected characteristic. {reasons}"


def confirm_message(flags: list[Flag]) -> str:
    """The question asking the writer to confirm warning terms."""
    reasons = "; ".join(f'"{f.term}": {f.explanation}' for f in flags)
    return f"Please check this wording before saving. {reasons} Tick “Save anyway” to keep it as written."
