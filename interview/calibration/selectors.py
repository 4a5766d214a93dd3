"""Reads for calibration: AI–human pairs from reports, scorecards and overrides, grouped into the table.

Pairs: for every report with criterion scores, each criterion's AI score against every *submitted*
scorecard's 1-5 score for that criterion on the same interview (drafts never count); and each override of
a criterion in force on the report, as the AI's original value against the override's value mapped to a
band (core.rubric.score_band). Pairs are grouped by what produced the AI's score, (model, prompt version),
with the offline rubric's reports as their own model, "offline-rubric" (labelled offline), and within a
group by criterion key, plus an "all criteria" row.

Scope: the numbers are about the grader, not about candidates, so every admin and interviewer sees the
table across all interviews; it names no candidate and no interviewer.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from interview.calibration.stats import Metrics, Pair, band_grid, metrics_of
from interview.core.rubric import BAND_COUNT, BAND_WIDTH, band_midpoint, score_band
from interview.models import ExportableReport, Scorecard
from interview.reports.grading import OFFLINE_MODEL
from interview.reports.overrides import MARK

ALL = ""  # the criterion key of a group's "all criteria" row


@dataclass(frozen=True)
class Sourced:
    """A pair with what produced its AI score and which criterion it scores."""

    model: str
    prompt_version: str
    offline: bool
    criterion: str
    criterion_name: str
    pair: Pair


@dataclass
class Row:
    """One line of the table: a (model, prompt version) group's criterion, or all its criteria (`criterion` "")."""

    model: str
    prompt_version: str
    offline: bool
    criterion: str
    criterion_name: str
    metrics: Metrics
    grid: list[list[int]] = field(default_factory=list)

    @property
    def group_label(self) -> str:
        return f"{self.model} (offline rubric)" if self.offline else self.model


def band_mapping() -> list[dict[str, int]]:
    """The 0-100 → 1-5 bands and each band's midpoint, as the page and the API document them."""
    return [
        {
            "band": band,
            "low": (band - 1) * BAND_WIDTH,
            "high": 100 if band == BAND_COUNT else band * BAND_WIDTH - 1,
            "midpoint": band_midpoint(band),
        }
        for band in range(1, BAND_COUNT + 1)
    ]


def _model_of(report: ExportableReport) -> str:
    return OFFLINE_MODEL if report.is_offline else (report.model_name or "unknown model")


def _points(value: Any) -> int | None:
    """An AI score as whole points 0-100, or None when it is not a number."""
    if isinstance(value, bool) or not isinstance(value, int | float) or value != value:
        return None
    return max(0, min(100, round(value)))


def _human_band(entry: Any) -> int | None:
    score = entry.get("score") if isinstance(entry, Mapping) else entry
    if isinstance(score, bool) or not isinstance(score, int) or not 1 <= score <= BAND_COUNT:
        return None
    return score


def report_pairs(report: ExportableReport, scorecards: Iterable[Scorecard]) -> list[Sourced]:
    """The pairs one report gives: each criterion against each submitted scorecard, and its override in force."""
    found = []
    cards = [c for c in scorecards if c.status == Scorecard.SUBMITTED]
    for item in report.criterion_scores:
        score, key = item.get("score"), str(item.get("key") or "")
        mark = item.get(MARK) or {}
        ai = _points(mark.get("ai_score", score))
        if not key or ai is None:
            continue
        pairs = [Pair(ai, band, f"user:{c.interviewer_id}") for c in cards if (band := _human_band(c.scores.get(key)))]
        if mark and _points(score) is not None:
            pairs.append(Pair(ai, score_band(float(score)), f"user:{mark.get('by_id')}"))
        name = str(item.get("name") or key)
        model = _model_of(report)
        found += [Sourced(model, report.prompt_version, report.is_offline, key, name, p) for p in pairs]
    return found


def calibration_pairs(*, model: str | None = None, prompt_version: str | None = None) -> list[Sourced]:
    """Every pair from reports with criterion scores, optionally of one model (and prompt version)."""
    reports = ExportableReport.objects.filter(version__gte=1)
    if model == OFFLINE_MODEL:
        reports = reports.filter(is_offline=True)
    elif model is not None:
        reports = reports.filter(is_offline=False, model_name=model)
    if prompt_version:
        reports = reports.filter(prompt_version=prompt_version)
    cards: dict[int, list[Scorecard]] = defaultdict(list)
    for card in Scorecard.objects.filter(status=Scorecard.SUBMITTED).only(
        "chat_id", "interviewer_id", "scores", "status"
    ):
        cards[card.chat_id].append(card)
    found = []
    for report in reports.iterator():
        if report.criterion_scores:
            found += report_pairs(report, cards.get(report.chat_id, []))
    return found


def calibration_rows(*, model: str | None = None, prompt_version: str | None = None) -> list[Row]:
    """The table: per (model, prompt version), an "all criteria" row, then one row per criterion (by key)."""
    groups: dict[tuple[str, str, bool], dict[str, list[Sourced]]] = defaultdict(lambda: defaultdict(list))
    for sourced in calibration_pairs(model=model, prompt_version=prompt_version):
        groups[(sourced.model, sourced.prompt_version, sourced.offline)][sourced.criterion].append(sourced)
    rows = []
    for (name, version, offline), criteria in sorted(groups.items()):
        everything = [s.pair for items in criteria.values() for s in items]
        rows.append(Row(name, version, offline, ALL, "All criteria", metrics_of(everything), band_grid(everything)))
        for key, items in sorted(criteria.items()):
            pairs = [s.pair for s in items]
            rows.append(Row(name, version, offline, key, items[0].criterion_name, metrics_of(pairs), band_grid(pairs)))
    return rows


def row_as_dict(row: Row) -> dict[str, Any]:
    """A row for the API: who produced the scores, the criterion, every measure and the band grid."""
    m = row.metrics
    return {
        "model": row.model,
        "prompt_version": row.prompt_version,
        "offline": row.offline,
        "criterion": row.criterion or None,
        "criterion_name": row.criterion_name,
        "pairs": m.pairs,
        "raters": m.raters,
        "mae": _rounded(m.mae),
        "bias": _rounded(m.bias),
        "exact_agreement": _rounded(m.exact),
        "adjacent_agreement": _rounded(m.adjacent),
        "kappa": _rounded(m.kappa),
        "status": m.status,
        "status_label": m.status_label,
        "band_grid": row.grid,
    }


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 4)
