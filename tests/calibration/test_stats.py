"""Agreement math on hand-made data sets with known answers, and its properties."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from interview.calibration.stats import (
    CALIBRATED,
    NEEDS_REVIEW,
    NOT_CALIBRATED,
    Pair,
    band_agreement,
    band_grid,
    calibration_status,
    mean_absolute_error,
    mean_bias,
    metrics_of,
    quadratic_weighted_kappa,
)

MIDPOINTS = {1: 10, 2: 30, 3: 50, 4: 70, 5: 90}


def pairs(ai, human, raters=("a", "b")):
    return [Pair(a, h, raters[i % len(raters)]) for i, (a, h) in enumerate(zip(ai, human, strict=True))]


def test_kappa_perfect_agreement_is_one():
    assert quadratic_weighted_kappa([1, 2, 3, 4, 5], [1, 2, 3, 4, 5]) == 1.0


def test_mae_perfect_agreement_at_midpoints_is_zero():
    same = pairs([MIDPOINTS[b] for b in (1, 2, 3, 4, 5)], [1, 2, 3, 4, 5])
    assert mean_absolute_error(same) == 0 and mean_bias(same) == 0 and band_agreement(same) == 1


def test_kappa_off_by_one_everywhere():
    # ΣwO = 4·1/16; Σ_i Σ_j (i-j)² over AI 1-4 × human 2-5 = 30+14+6+6 = 56, so ΣwE = 56/16/4 = 0.875:
    # kappa = 1 - 0.25/0.875 = 5/7.
    assert quadratic_weighted_kappa([1, 2, 3, 4], [2, 3, 4, 5]) == pytest.approx(5 / 7)


def test_mae_off_by_one_everywhere_is_one_band():
    lower = pairs([10, 30, 50, 70], [2, 3, 4, 5])
    assert mean_absolute_error(lower) == 20 and mean_bias(lower) == -20
    assert band_agreement(lower) == 0 and band_agreement(lower, within=1) == 1


def test_kappa_textbook_example():
    # AI bands 1,2,3,4 against people 1,2,4,4. Observed: one pair a band apart, ΣwO = 1/16.
    # Expected: Σ_i Σ_j r_i c_j (i-j)² = 19+9+7+13 = 48 (c = {1:1, 2:1, 4:2}), ΣwE = 48/16/4 = 0.75;
    # kappa = 1 - (1/16)/0.75 = 11/12.
    assert quadratic_weighted_kappa([1, 2, 3, 4], [1, 2, 4, 4]) == pytest.approx(11 / 12)


def test_kappa_constant_rater_against_a_varied_one_is_zero():
    assert quadratic_weighted_kappa([1, 2, 3, 4, 5], [3, 3, 3, 3, 3]) == pytest.approx(0)


def test_kappa_both_raters_constant_in_the_same_band_is_undefined():
    assert quadratic_weighted_kappa([3, 3, 3], [3, 3, 3]) is None


def test_kappa_of_no_pairs_is_undefined():
    assert quadratic_weighted_kappa([], []) is None


def test_kappa_systematic_disagreement_is_negative():
    assert quadratic_weighted_kappa([1, 5, 1, 5], [5, 1, 5, 1]) < 0


def test_metrics_of_no_pairs():
    m = metrics_of([])
    assert (m.pairs, m.mae, m.kappa, m.status) == (0, None, None, NOT_CALIBRATED)


def test_band_grid_counts_by_human_then_ai_band():
    grid = band_grid(pairs([95, 95, 10], [5, 4, 1]))
    assert grid[4][4] == 1 and grid[3][4] == 1 and grid[0][0] == 1 and sum(map(sum, grid)) == 3


@pytest.mark.parametrize(
    ("n", "raters", "kappa", "mae", "status"),
    [
        (29, 2, 1.0, 0.0, NOT_CALIBRATED),
        (30, 1, 1.0, 0.0, NOT_CALIBRATED),
        (30, 2, 1.0, 0.0, CALIBRATED),
        (30, 2, 0.67, 10.0, CALIBRATED),
        (30, 2, 0.66, 5.0, NEEDS_REVIEW),
        (30, 2, 0.9, 10.5, NEEDS_REVIEW),
        (30, 2, None, 0.0, NEEDS_REVIEW),
    ],
)
def test_calibration_status_thresholds(n, raters, kappa, mae, status):
    assert calibration_status(n, raters, kappa, mae) == status


bands = st.integers(min_value=1, max_value=5)
rated = st.lists(st.tuples(bands, bands), min_size=1, max_size=60)


@given(rated)
def test_kappa_at_most_one(items):
    kappa = quadratic_weighted_kappa([a for a, _ in items], [b for _, b in items])
    assert kappa is None or kappa <= 1 + 1e-9


@given(rated)
def test_kappa_is_symmetric(items):
    first = quadratic_weighted_kappa([a for a, _ in items], [b for _, b in items])
    second = quadratic_weighted_kappa([b for _, b in items], [a for a, _ in items])
    assert first == second or first == pytest.approx(second)


@given(st.lists(st.tuples(st.integers(0, 100), bands), min_size=1, max_size=60))
def test_mae_is_non_negative_and_bounds_the_bias(items):
    got = pairs([a for a, _ in items], [h for _, h in items])
    assert mean_absolute_error(got) >= 0 and abs(mean_bias(got)) <= mean_absolute_error(got) + 1e-9


@given(st.lists(bands, min_size=2, max_size=40))
def test_kappa_of_identical_raters_is_one_unless_constant(items):
    kappa = quadratic_weighted_kappa(items, items)
    assert kappa is None if len(set(items)) == 1 else kappa == pytest.approx(1)
