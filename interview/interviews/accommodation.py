"""Extra time as an accommodation (issue 22): pure rules for the time multiplier.

An interview with a multiplier m runs every clock m times as long: each key question's time limit is
multiplied once, when the interview starts (`key_questions_accommodate`, which keeps the original as
`base_time_limit`), and each follow-up's limit is the follow-up rule applied to the key question's
original limit, then multiplied (`follow_up_limit`). `time_limit_adjusted` is the one multiplication.
An invited interview's window grows by the most time those clocks can add (`window_extra_seconds`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, MutableMapping
from decimal import Decimal, InvalidOperation
from typing import Any

from interview.interviews.transcript import follow_up_time_limit
from interview.models.choices import TIME_MULTIPLIER_MESSAGE as MULTIPLIER_MESSAGE
from interview.models.choices import TIME_MULTIPLIERS

STANDARD = Decimal("1.00")


def multiplier_parse(value: object) -> Decimal:
    """The multiplier `value` names (a number or its text: 1, 1.25, 1.5, 2), else ValueError(MULTIPLIER_MESSAGE)."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str, Decimal)):
        raise ValueError(MULTIPLIER_MESSAGE)
    try:
        parsed = Decimal(str(value).strip())
    except InvalidOperation as exc:
        raise ValueError(MULTIPLIER_MESSAGE) from exc
    if not parsed.is_finite() or parsed not in TIME_MULTIPLIERS:
        raise ValueError(MULTIPLIER_MESSAGE)
    return parsed.quantize(Decimal("0.01"))


def is_accommodated(multiplier: Decimal | None) -> bool:
    """Whether a multiplier grants extra time (anything but the standard 1)."""
    return multiplier is not None and Decimal(multiplier) != STANDARD


def multiplier_label(multiplier: Decimal) -> str:
    """The multiplier as people read it: "1.5×", "2×"."""
    return f"{Decimal(multiplier).normalize():f}×"


def extra_time_label(multiplier: Decimal | None) -> str:
    """ "1.5×" for an accommodated interview, "" for standard time (what pages show, never why)."""
    return multiplier_label(Decimal(multiplier)) if multiplier is not None and is_accommodated(multiplier) else ""


def time_limit_adjusted(seconds: int, multiplier: Decimal) -> int:
    """A time limit multiplied by the accommodation, rounded up to a whole second (never shorter than asked)."""
    return math.ceil(Decimal(seconds) * Decimal(multiplier))


def base_limit(question: Mapping[str, Any]) -> int:
    """A key question's time limit before any accommodation."""
    return int(question.get("base_time_limit", question["time_limit"]))


def key_questions_accommodate(questions: Iterable[MutableMapping[str, Any]], multiplier: Decimal) -> None:
    """Multiply each key question's limit in place, keeping the original as `base_time_limit` (idempotent)."""
    for question in questions:
        base = base_limit(question)
        question["base_time_limit"] = base
        question["time_limit"] = time_limit_adjusted(base, multiplier)


def follow_up_limit(key: Mapping[str, Any], ratio: float, multiplier: Decimal) -> int:
    """A follow-up's time limit: the follow-up rule on its key question's original limit, then multiplied."""
    return time_limit_adjusted(follow_up_time_limit(base_limit(key), ratio), multiplier)


def window_extra_seconds(
    questions: Iterable[Mapping[str, Any]], multiplier: Decimal, *, max_follow_ups: int, ratio: float
) -> int:
    """How much longer an invited interview's window stays open: (m − 1) × every clock the interview can run
    at most (each key question's original limit plus its allowed follow-ups' limits)."""
    total = sum(base_limit(q) + max(0, max_follow_ups) * follow_up_time_limit(base_limit(q), ratio) for q in questions)
    return math.ceil(Decimal(total) * (Decimal(multiplier) - STANDARD))
