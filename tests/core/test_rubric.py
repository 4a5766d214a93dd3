"""interview/core/rubric.py: rubric validation and its messages, normalised weights, the weighted mean and the bands."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from interview.core import rubric as r


def criterion(key: str = "depth", **changes: object) -> dict:
    base = {
        "key": key,
        "name": key.replace("_", " ").title(),
        "description": "What to judge.",
        "anchors": {"1": "Poor.", "3": "Fair.", "5": "Excellent."},
        "weight": 1,
    }
    return base | changes


def problems(value: object) -> list[str]:
    with pytest.raises(r.RubricError) as caught:
        r.validate_rubric(value)
    return caught.value.problems


# --- validation -------------------------------------------------------------------------------


def test_validate_rubric_accepts_the_default_rubric_unchanged():
    assert r.validate_rubric(r.default_rubric()) == r.default_rubric()


def test_validate_rubric_refuses_a_non_list():
    assert problems({"key": "depth"}) == ["A rubric is a list of criteria."]


def test_validate_rubric_refuses_no_criteria():
    assert problems([]) == ["A rubric needs between 1 and 12 criteria (it has 0)."]


def test_validate_rubric_refuses_thirteen_criteria():
    assert problems([criterion(f"c{n}") for n in range(13)]) == [
        "A rubric needs between 1 and 12 criteria (it has 13)."
    ]


def test_validate_rubric_accepts_twelve_criteria():
    assert len(r.validate_rubric([criterion(f"c{n}") for n in range(12)])) == 12


def test_validate_rubric_names_a_duplicate_key():
    assert problems([criterion("depth"), criterion("depth")]) == [
        'Criterion 2: the key "depth" is used twice; keys must be unique.'
    ]


def test_validate_rubric_names_a_missing_anchor():
    assert problems([criterion(anchors={"1": "Poor.", "5": "Great."})]) == [
        "Criterion 1: the anchor for 3 (what a 3 looks like) is required."
    ]


def test_validate_rubric_refuses_missing_anchors():
    assert problems([criterion(anchors=None)]) == ["Criterion 1: anchors for 1, 3 and 5 are required."]


@pytest.mark.parametrize("weight", [0, -1, "x", None, True, float("nan"), float("inf")])
def test_validate_rubric_refuses_a_weight_that_is_not_above_zero(weight):
    assert problems([criterion(weight=weight)]) == ["Criterion 1: the weight must be a number greater than 0."]


def test_validate_rubric_refuses_all_zero_weights_naming_each():
    assert len(problems([criterion("a", weight=0), criterion("b", weight=0)])) == 2


def test_validate_rubric_refuses_a_bad_key():
    assert "lower-case letters" in problems([criterion("Depth!")])[0]


def test_validate_rubric_lists_every_problem():
    assert len(problems([criterion(key="", name="", weight=0)])) == 3


def test_validate_rubric_refuses_a_criterion_that_is_not_an_object():
    assert problems(["depth"])[0].startswith("Criterion 1: must be an object")


def test_validate_rubric_strips_text():
    assert r.validate_rubric([criterion(name="  Depth  ")])[0]["name"] == "Depth"


def test_validate_rubric_accepts_integer_anchor_keys():
    assert r.validate_rubric([criterion(anchors={1: "a", 3: "b", 5: "c"})])[0]["anchors"] == {
        "1": "a",
        "3": "b",
        "5": "c",
    }


# --- weights ----------------------------------------------------------------------------------


def test_validate_rubric_normalises_weights_to_sum_to_one():
    cleaned = r.validate_rubric([criterion("a", weight=1), criterion("b", weight=3)])
    assert [c["weight"] for c in cleaned] == [0.25, 0.75]


def test_validate_rubric_gives_the_rounding_remainder_to_the_last_criterion():
    cleaned = r.validate_rubric([criterion(k, weight=1) for k in ("a", "b", "c")])
    assert ([c["weight"] for c in cleaned], sum(c["weight"] for c in cleaned)) == ([0.3333, 0.3333, 0.3334], 1.0)


def test_validate_rubric_accepts_numeric_string_weights():
    assert r.validate_rubric([criterion("a", weight="2"), criterion("b", weight="2")])[0]["weight"] == 0.5


@given(st.lists(st.floats(min_value=0.01, max_value=1000), min_size=1, max_size=12))
def test_validate_rubric_weights_always_sum_to_one(weights):
    cleaned = r.validate_rubric([criterion(f"c{n}", weight=w) for n, w in enumerate(weights)])
    assert abs(sum(c["weight"] for c in cleaned) - 1) < 1e-9


def test_weights_of_normalises():
    assert r.weights_of([criterion("a", weight=2), criterion("b", weight=6)]) == {"a": 0.25, "b": 0.75}


# --- weighted mean ----------------------------------------------------------------------------


def test_weighted_mean_of_the_default_rubric():
    scores = {"professionalism": 72, "subject_knowledge": 70, "clarity": 64}
    assert r.weighted_mean(scores, r.default_rubric()) == round(0.25 * 72 + 0.45 * 70 + 0.30 * 64)


def test_weighted_mean_rounds_half_up():
    assert r.weighted_mean({"a": 50, "b": 51}, [criterion("a"), criterion("b")]) == 51


def test_weighted_mean_rounds_below_half_down():
    assert r.weighted_mean({"a": 50, "b": 51, "c": 50}, [criterion(k) for k in "abc"]) == 50


def test_weighted_mean_counts_a_missing_score_as_zero():
    assert r.weighted_mean({"a": 80}, [criterion("a"), criterion("b")]) == 40


@given(st.lists(st.integers(0, 100), min_size=1, max_size=12))
def test_weighted_mean_lies_between_the_lowest_and_highest_score(scores):
    criteria = [criterion(f"c{n}", weight=n + 1) for n in range(len(scores))]
    mean = r.weighted_mean({f"c{n}": s for n, s in enumerate(scores)}, criteria)
    assert min(scores) <= mean <= max(scores)


# --- bands ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("score", "band"), [(0, 1), (19, 1), (20, 2), (39, 2), (40, 3), (59, 3), (60, 4), (79, 4), (80, 5), (100, 5)]
)
def test_score_band_edges(score, band):
    assert r.score_band(score) == band


def test_score_band_clamps_out_of_range_scores():
    assert (r.score_band(-5), r.score_band(140)) == (1, 5)


@given(st.floats(0, 100), st.floats(0, 100))
def test_score_band_is_monotone(a, b):
    low, high = sorted((a, b))
    assert r.score_band(low) <= r.score_band(high)


@given(st.floats(0, 100, allow_nan=False))
def test_score_band_is_one_of_five_bands(score):
    assert r.score_band(score) in {1, 2, 3, 4, 5}


def test_score_band_uses_all_five_bands():
    assert {r.score_band(s) for s in range(101)} == {1, 2, 3, 4, 5}


@given(st.integers(1, 5))
def test_band_midpoint_maps_back_to_its_band(band):
    assert r.score_band(r.band_midpoint(band)) == band


def test_band_midpoints():
    assert [r.band_midpoint(b) for b in range(1, 6)] == [10, 30, 50, 70, 90]


@pytest.mark.parametrize("band", [0, 6])
def test_band_midpoint_refuses_a_band_outside_1_to_5(band):
    with pytest.raises(ValueError, match="a band is 1 to 5"):
        r.band_midpoint(band)


# --- prompt version ---------------------------------------------------------------------------


def test_prompt_version_is_stable_for_the_same_prompt_and_rubric():
    assert r.prompt_version("grade", r.default_rubric()) == r.prompt_version("grade", r.default_rubric())


def test_prompt_version_changes_with_the_rubric():
    assert r.prompt_version("grade", r.default_rubric()) != r.prompt_version("grade", [criterion()])


def test_prompt_version_changes_with_the_prompt():
    assert r.prompt_version("grade", r.default_rubric()) != r.prompt_version("grade strictly", r.default_rubric())


def test_rubric_or_default_gives_the_default_for_an_empty_rubric():
    assert r.rubric_or_default([]) == r.default_rubric()
