"""Rubrics: the criteria an interview is scored on, their validation and weights, and the 0-100 → 1-5 bands.

Pure code: no ORM, settings, clock or network. A rubric is a list of criteria, each a dict:

    {"key": "subject_knowledge", "name": "Subject knowledge", "description": "...",
     "anchors": {"1": "...", "3": "...", "5": "..."}, "weight": 0.45}

- `key`: lower-case letters, digits and underscores, starting with a letter, at most 40 characters,
  unique within the rubric; `name` at most 100 characters; `description` and each anchor at most 1,000.
- `anchors`: what a 1, a 3 and a 5 look like; all three are required.
- `weight`: a number > 0. `validate_rubric` normalises the weights so they sum to 1 (rounded to 4
  places, the last criterion taking the rounding remainder), so stored rubrics always hold normalised weights.
- 1 to 12 criteria.

The default rubric is the spec's three categories with the weights the product has always used
(professionalism 0.25, subject knowledge 0.45, clarity 0.30).

Bands: the AI scores a criterion 0-100; people score it 1-5. `score_band` maps 0-19 → 1, 20-39 → 2,
40-59 → 3, 60-79 → 4 and 80-100 → 5 (five equal bands of 20 points, 100 joining the top band);
`band_midpoint` maps a human 1-5 back to points as the middle of its band (10, 30, 50, 70, 90), which is
how a human score is compared with an AI score in points.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Mapping, Sequence
from typing import Any, Final

CRITERIA_MIN: Final = 1
CRITERIA_MAX: Final = 12
KEY_MAX_CHARS: Final = 40
NAME_MAX_CHARS: Final = 100
TEXT_MAX_CHARS: Final = 1000
ANCHOR_LEVELS: Final = ("1", "3", "5")
SPEC_KEYS: Final = ("professionalism", "subject_knowledge", "clarity")
BAND_COUNT: Final = 5
BAND_WIDTH: Final = 20
_KEY: Final = re.compile(r"^[a-z][a-z0-9_]*$")

_DEFAULT: Final[tuple[dict[str, Any], ...]] = (
    {
        "key": "professionalism",
        "name": "Professionalism",
        "description": "Courtesy, composure and engagement: answers the question asked, in a suitable register.",
        "anchors": {
            "1": "Dismissive, off-topic or no answers at all.",
            "3": "Polite and engaged, but some answers drift or are cut short.",
            "5": "Consistently courteous, focused and fully engaged with every question.",
        },
        "weight": 0.25,
    },
    {
        "key": "subject_knowledge",
        "name": "Subject knowledge",
        "description": "Correctness and depth of what the candidate knows about the role's subject.",
        "anchors": {
            "1": "Wrong or empty answers; no grasp of the basics.",
            "3": "Sound on the basics with gaps in depth or in trade-offs.",
            "5": "Accurate, deep and able to reason about trade-offs and edge cases.",
        },
        "weight": 0.45,
    },
    {
        "key": "clarity",
        "name": "Clarity",
        "description": "How clearly answers are structured and explained.",
        "anchors": {
            "1": "Hard to follow; no structure.",
            "3": "Mostly clear, with some rambling or missing steps.",
            "5": "Well structured, concise and easy to follow, with examples.",
        },
        "weight": 0.30,
    },
)


class RubricError(ValueError):
    """A rubric that cannot be used; `problems` lists every reason, in plain language."""

    def __init__(self, problems: Sequence[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = list(problems)


def default_rubric() -> list[dict[str, Any]]:
    """A fresh copy of the default rubric (the spec's three categories with the product's weights)."""
    return json.loads(json.dumps(_DEFAULT))


def rubric_or_default(criteria: Sequence[Mapping[str, Any]] | None) -> list[dict[str, Any]]:
    """The given rubric, or the default one when it is empty (chats created before rubrics existed)."""
    return [dict(c) for c in criteria] if criteria else default_rubric()


def validate_rubric(value: Any) -> list[dict[str, Any]]:
    """Return the cleaned rubric with normalised weights, or raise RubricError naming every problem."""
    if not isinstance(value, list):
        raise RubricError(["A rubric is a list of criteria."])
    problems: list[str] = []
    if not CRITERIA_MIN <= len(value) <= CRITERIA_MAX:
        problems.append(f"A rubric needs between {CRITERIA_MIN} and {CRITERIA_MAX} criteria (it has {len(value)}).")
    cleaned: list[dict[str, Any]] = []
    seen: set[str] = set()
    for position, item in enumerate(value, start=1):
        criterion = _criterion(item, position, problems)
        if criterion is None:
            continue
        if criterion["key"] in seen:
            problems.append(f'Criterion {position}: the key "{criterion["key"]}" is used twice; keys must be unique.')
        seen.add(criterion["key"])
        cleaned.append(criterion)
    if problems:
        raise RubricError(problems)
    return _normalised(cleaned)


def _criterion(item: Any, position: int, problems: list[str]) -> dict[str, Any] | None:
    label = f"Criterion {position}"
    if not isinstance(item, Mapping):
        problems.append(f"{label}: must be an object with key, name, description, anchors and weight.")
        return None
    key = _text(item.get("key"))
    if not key:
        problems.append(f"{label}: a key is required.")
    elif len(key) > KEY_MAX_CHARS or not _KEY.match(key):
        problems.append(
            f"{label}: the key must be lower-case letters, digits and underscores, start with a letter "
            f"and be at most {KEY_MAX_CHARS} characters."
        )
    name = _text(item.get("name"))
    if not name:
        problems.append(f"{label}: a name is required.")
    elif len(name) > NAME_MAX_CHARS:
        problems.append(f"{label}: the name must be at most {NAME_MAX_CHARS} characters.")
    description = _text(item.get("description"))
    if len(description) > TEXT_MAX_CHARS:
        problems.append(f"{label}: the description must be at most {TEXT_MAX_CHARS} characters.")
    anchors_in = item.get("anchors")
    anchors: dict[str, str] = {}
    if not isinstance(anchors_in, Mapping):
        problems.append(f"{label}: anchors for 1, 3 and 5 are required.")
    else:
        for level in ANCHOR_LEVELS:
            text = _text(anchors_in.get(level, anchors_in.get(int(level))))
            if not text:
                problems.append(f"{label}: the anchor for {level} (what a {level} looks like) is required.")
            elif len(text) > TEXT_MAX_CHARS:
                problems.append(f"{label}: the anchor for {level} must be at most {TEXT_MAX_CHARS} characters.")
            anchors[level] = text
    weight = _weight(item.get("weight"))
    if weight is None:
        problems.append(f"{label}: the weight must be a number greater than 0.")
    return {"key": key, "name": name, "description": description, "anchors": anchors, "weight": weight or 0.0}


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _weight(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) and number > 0 else None


def _normalised(criteria: list[dict[str, Any]]) -> list[dict[str, Any]]:
    total = sum(c["weight"] for c in criteria)
    weights = [round(c["weight"] / total, 4) for c in criteria]
    weights[-1] = round(1 - sum(weights[:-1]), 4)
    return [{**c, "weight": w} for c, w in zip(criteria, weights, strict=True)]


def weights_of(criteria: Sequence[Mapping[str, Any]]) -> dict[str, float]:
    """Each criterion's weight by key, normalised to sum to 1."""
    total = sum(float(c["weight"]) for c in criteria) or 1.0
    return {str(c["key"]): float(c["weight"]) / total for c in criteria}


def weighted_mean(scores: Mapping[str, int], criteria: Sequence[Mapping[str, Any]]) -> int:
    """The overall score: the weighted mean of every criterion's 0-100 score, rounded half up."""
    weights = weights_of(criteria)
    value = sum(weights[key] * scores.get(key, 0) for key in weights)
    return max(0, min(100, math.floor(value + 0.5)))


def score_band(score: float) -> int:
    """The 1-5 band of a 0-100 score (0-19 → 1, ..., 80-100 → 5)."""
    clamped = max(0.0, min(100.0, float(score)))
    return min(BAND_COUNT, int(clamped // BAND_WIDTH) + 1)


def band_midpoint(band: int) -> int:
    """A 1-5 score in points: the middle of its band (1 → 10, ..., 5 → 90)."""
    if not 1 <= band <= BAND_COUNT:
        raise ValueError(f"a band is 1 to {BAND_COUNT}, not {band}")
    return band * BAND_WIDTH - BAND_WIDTH // 2


def prompt_version(prompt_template: str, criteria: Sequence[Mapping[str, Any]]) -> str:
    """What produced a grade, as 12 hex digits: a hash of the grading prompt's template and the rubric."""
    payload = json.dumps({"prompt": prompt_template, "rubric": list(criteria)}, sort_keys=True)
    return hashlib.sha256(payload.encode()).hexdigest()[:12]
