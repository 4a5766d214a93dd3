"""Agreement between the AI and people: pure math over (AI 0-100, human 1-5) pairs. No ORM, no clock.

A pair puts the AI's score of one criterion (0-100) beside one person's 1-5 score of the same criterion on
the same interview. The AI's score is compared in two ways:

- in points: the human band becomes its midpoint (core.rubric.band_midpoint: 1 → 10, ..., 5 → 90);
  `mae` is the mean |AI − midpoint| and `bias` the mean (AI − midpoint): positive means the AI scores higher;
- in bands: the AI's score becomes its band (core.rubric.score_band: 0-19 → 1, ..., 80-100 → 5); `exact`
  is the share of pairs in the same band and `adjacent` the share at most one band apart; `kappa` is
  Cohen's quadratic weighted kappa over the 5 bands.

Kappa's degenerate cases: no pairs → None; when every pair sits in one and the same band for both raters
(the chance-expected disagreement is 0, so kappa is 0/0) → None, shown as "undefined". A rater who is
constant while the other varies gets the formula's own answer, 0 (no agreement beyond chance).

Status: `not_calibrated` until there are at least MIN_PAIRS pairs from at least MIN_RATERS distinct people;
then `calibrated` when kappa ≥ KAPPA_MIN and MAE ≤ MAE_MAX points, else `needs_review` (enough data, but
the AI and people disagree too much to trust the AI's numbers alone; an undefined kappa counts as this).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final

from interview.core.rubric import BAND_COUNT, band_midpoint, score_band

MIN_PAIRS: Final = 30
MIN_RATERS: Final = 2
KAPPA_MIN: Final = 0.67
MAE_MAX: Final = 10.0
NOT_CALIBRATED: Final = "not_calibrated"
NEEDS_REVIEW: Final = "needs_review"
CALIBRATED: Final = "calibrated"
STATUS_LABELS: Final = {
    NOT_CALIBRATED: "not calibrated",
    NEEDS_REVIEW: "needs review",
    CALIBRATED: "calibrated",
}


@dataclass(frozen=True)
class Pair:
    """One AI score (0-100) against one person's band (1-5); `rater` names the person."""

    ai: int
    human: int
    rater: str


@dataclass(frozen=True)
class Metrics:
    """The agreement of a set of pairs; the averages are None when there are no pairs."""

    pairs: int
    raters: int
    mae: float | None
    bias: float | None
    exact: float | None
    adjacent: float | None
    kappa: float | None
    status: str

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]


def quadratic_weighted_kappa(first: Sequence[int], second: Sequence[int], categories: int = BAND_COUNT) -> float | None:
    """Cohen's kappa with quadratic weights over bands 1..categories; None when undefined (see the module)."""
    if len(first) != len(second):
        raise ValueError("both raters must rate the same items")
    n = len(first)
    if n == 0:
        return None
    observed = [[0] * categories for _ in range(categories)]
    for a, b in zip(first, second, strict=True):
        observed[a - 1][b - 1] += 1
    rows = [sum(row) for row in observed]
    cols = [sum(observed[i][j] for i in range(categories)) for j in range(categories)]
    span = (categories - 1) ** 2
    disagreement = expected = 0.0
    for i in range(categories):
        for j in range(categories):
            weight = (i - j) ** 2 / span
            disagreement += weight * observed[i][j]
            expected += weight * rows[i] * cols[j] / n
    if expected == 0:
        return None
    return 1 - disagreement / expected


def mean_absolute_error(pairs: Sequence[Pair]) -> float | None:
    """Mean |AI − human band midpoint| in points."""
    return sum(abs(p.ai - band_midpoint(p.human)) for p in pairs) / len(pairs) if pairs else None


def mean_bias(pairs: Sequence[Pair]) -> float | None:
    """Mean (AI − human band midpoint) in points: above 0, the AI is more generous than people."""
    return sum(p.ai - band_midpoint(p.human) for p in pairs) / len(pairs) if pairs else None


def band_agreement(pairs: Sequence[Pair], *, within: int = 0) -> float | None:
    """The share of pairs whose AI band is at most `within` bands from the human's."""
    if not pairs:
        return None
    return sum(1 for p in pairs if abs(score_band(p.ai) - p.human) <= within) / len(pairs)


def calibration_status(pairs: int, raters: int, kappa: float | None, mae: float | None) -> str:
    """not_calibrated (too little data), calibrated (kappa ≥ 0.67 and MAE ≤ 10) or needs_review."""
    if pairs < MIN_PAIRS or raters < MIN_RATERS:
        return NOT_CALIBRATED
    if kappa is not None and mae is not None and kappa >= KAPPA_MIN and mae <= MAE_MAX:
        return CALIBRATED
    return NEEDS_REVIEW


def metrics_of(pairs: Iterable[Pair]) -> Metrics:
    """Every agreement measure of the pairs, and the resulting status."""
    items = list(pairs)
    raters = len({p.rater for p in items})
    kappa = quadratic_weighted_kappa([score_band(p.ai) for p in items], [p.human for p in items])
    mae = mean_absolute_error(items)
    return Metrics(
        pairs=len(items),
        raters=raters,
        mae=mae,
        bias=mean_bias(items),
        exact=band_agreement(items),
        adjacent=band_agreement(items, within=1),
        kappa=kappa,
        status=calibration_status(len(items), raters, kappa, mae),
    )


def band_grid(pairs: Iterable[Pair]) -> list[list[int]]:
    """Counts of pairs by [human band - 1][AI band - 1]: the heat grid's cells."""
    grid = [[0] * BAND_COUNT for _ in range(BAND_COUNT)]
    for p in pairs:
        grid[p.human - 1][score_band(p.ai) - 1] += 1
    return grid
