"""Template rubrics: the rubric a new chat copies, and the criteria editor's rows on the template form.

The rubric's shape and validation are interview/core/rubric.py's. The editor posts one row per criterion as
`criterion-<n>-<field>` (n from 0 to `criteria_count` - 1; fields key, name, description, anchor_1, anchor_3,
anchor_5, weight) and adds or removes rows by plain form submission: a `rubric_action` button whose value is
`add` or `remove-<n>` re-renders the form with the rows changed and saves nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from interview.core.rubric import ANCHOR_LEVELS, CRITERIA_MAX
from interview.models import InterviewTemplate
from interview.reports.criteria import default_criteria
from interview.reports.grading import validate_weights

ROW_FIELDS: Final = ("key", "name", "description", "anchor_1", "anchor_3", "anchor_5", "weight")
COUNT_FIELD: Final = "criteria_count"
ADD: Final = "add"
REMOVE_PREFIX: Final = "remove-"


def default_rubric_for_chats() -> list[dict[str, Any]]:
    """The default rubric with settings.REPORT_WEIGHTS as its weights: what a chat without a template is scored on."""
    try:
        weights = validate_weights(settings.REPORT_WEIGHTS)
    except ValueError as exc:
        raise ImproperlyConfigured(str(exc)) from exc
    return default_criteria(weights)


def rubric_for_chat(template: InterviewTemplate | None) -> list[dict[str, Any]]:
    """The rubric a new chat copies: its template's (a copy, so editing the template later changes nothing), else the default."""
    if template is not None and template.rubric:
        return [dict(c, anchors=dict(c.get("anchors") or {})) for c in template.rubric]
    return default_rubric_for_chats()


def rows_from_rubric(criteria: Sequence[Mapping[str, Any]]) -> list[dict[str, str]]:
    """The editor's rows for a stored rubric."""
    rows = []
    for c in criteria:
        anchors = c.get("anchors") or {}
        row = {
            "key": str(c.get("key", "")),
            "name": str(c.get("name", "")),
            "description": str(c.get("description", "")),
        }
        row |= {f"anchor_{level}": str(anchors.get(level, "")) for level in ANCHOR_LEVELS}
        rows.append(row | {"weight": str(c.get("weight", ""))})
    return rows


def rows_from_post(data: Mapping[str, Any]) -> list[dict[str, str]]:
    """The editor's rows as posted (at most CRITERIA_MAX + 1, so an over-long rubric is still reported)."""
    try:
        count = int(data.get(COUNT_FIELD, 0))
    except (TypeError, ValueError):
        count = 0
    count = max(0, min(count, CRITERIA_MAX + 1))
    return [{field: str(data.get(f"criterion-{n}-{field}", "")).strip() for field in ROW_FIELDS} for n in range(count)]


def rows_after_action(rows: list[dict[str, str]], action: str) -> list[dict[str, str]]:
    """The rows after an editor button: `add` appends an empty row (up to the maximum), `remove-<n>` drops row n."""
    if action == ADD and len(rows) < CRITERIA_MAX:
        return [*rows, dict.fromkeys(ROW_FIELDS, "") | {"weight": "1"}]
    if action.startswith(REMOVE_PREFIX) and action[len(REMOVE_PREFIX) :].isdigit():
        index = int(action[len(REMOVE_PREFIX) :])
        return [row for n, row in enumerate(rows) if n != index]
    return rows


def rubric_from_rows(rows: Sequence[Mapping[str, str]]) -> list[dict[str, Any]]:
    """The posted rows as an unvalidated rubric (core.rubric.validate_rubric checks and normalises it)."""
    return [
        {
            "key": row["key"],
            "name": row["name"],
            "description": row["description"],
            "anchors": {level: row[f"anchor_{level}"] for level in ANCHOR_LEVELS},
            "weight": row["weight"],
        }
        for row in rows
    ]
