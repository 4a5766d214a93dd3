"""Property-based tests of assembly: the counts add up for every percentage mix, and picks never repeat."""

from __future__ import annotations

from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from interview.setup.assembly import PoolQuestion, ShortageError, assemble, largest_remainder, split_by_difficulty

LIMITS = {"easy": 120, "medium": 180, "hard": 300}


@st.composite
def mixes(draw: st.DrawFn) -> dict[str, int]:
    """Easy, medium and hard percentages that add up to 100."""
    easy = draw(st.integers(0, 100))
    medium = draw(st.integers(0, 100 - easy))
    return {"easy": easy, "medium": medium, "hard": 100 - easy - medium}


@st.composite
def pools(draw: st.DrawFn) -> list[PoolQuestion]:
    """Up to 60 questions of random difficulty and tags, some ids and texts repeated."""
    size = draw(st.integers(0, 60))
    out = []
    for index in range(size):
        qid = draw(st.integers(1, 80))
        difficulty = draw(st.sampled_from(["easy", "medium", "hard"]))
        tags = frozenset(draw(st.sets(st.sampled_from(["python", "sql", "cloud"]), max_size=2)))
        out.append(PoolQuestion(qid, f"Question {draw(st.integers(0, 70))} ({index})", difficulty, tags))
    return out


@given(total=st.integers(0, 1000), shares=st.lists(st.integers(0, 100), min_size=1, max_size=6).filter(any))
def test_largest_remainder_always_sums_to_total(total, shares):
    assert sum(largest_remainder(total, shares)) == total


@given(total=st.integers(0, 1000), shares=st.lists(st.integers(0, 100), min_size=1, max_size=6).filter(any))
def test_largest_remainder_parts_stay_within_one_of_exact(total, shares):
    weight = sum(shares)
    for part, share in zip(largest_remainder(total, shares), shares, strict=True):
        assert total * share // weight <= part <= total * share // weight + 1


@given(count=st.integers(1, 50), mix=mixes())
def test_split_by_difficulty_adds_up_for_every_mix(count, mix):
    assert sum(split_by_difficulty(count, mix).values()) == count


@given(count=st.integers(1, 50), mix=mixes())
def test_split_by_difficulty_zero_percent_gets_nothing(count, mix):
    split = split_by_difficulty(count, mix)
    assert all(split[d] == 0 for d, p in mix.items() if p == 0)


@settings(max_examples=150)
@given(questions=pools(), count=st.integers(1, 50), mix=mixes(), seed=st.integers(0, 2**32), tagged=st.booleans())
def test_assemble_returns_exact_split_or_names_the_shortage(questions, count, mix, seed, tagged):
    tags = ["python"] if tagged else []
    try:
        picked = assemble(questions, count=count, percentages=mix, tags=tags, seed=seed, time_limits=LIMITS)
    except ShortageError as exc:
        assert exc.shortages and all(s.available < s.needed for s in exc.shortages)
        return
    assert len(picked) == count
    assert Counter(q["difficulty"] for q in picked) == +Counter(split_by_difficulty(count, mix))


@settings(max_examples=150)
@given(questions=pools(), count=st.integers(1, 20), mix=mixes(), seed=st.integers(0, 2**32))
def test_assemble_never_picks_a_question_twice(questions, count, mix, seed):
    try:
        picked = assemble(questions, count=count, percentages=mix, tags=[], seed=seed, time_limits=LIMITS)
    except ShortageError:
        return
    assert len({q["question_id"] for q in picked}) == len({q["question"] for q in picked}) == len(picked)


@given(questions=pools(), mix=mixes(), seed=st.integers(0, 2**32))
def test_assemble_is_deterministic(questions, mix, seed):
    def attempt(pool: list[PoolQuestion]) -> object:
        try:
            return assemble(pool, count=5, percentages=mix, tags=[], seed=seed, time_limits=LIMITS)
        except ShortageError as exc:
            return str(exc)

    assert attempt(questions) == attempt(list(reversed(questions)))
