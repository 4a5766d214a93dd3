"""Key-question assembly (interview.setup.assembly): splitting, picking, shortages and LLM proposals."""

from __future__ import annotations

import json

import pytest

from interview.setup.assembly import (
    KEY_QUESTIONS_SCHEMA,
    InvalidProposal,
    PoolQuestion,
    ShortageError,
    assemble,
    assemble_lenient,
    build_key_question_messages,
    largest_remainder,
    matches_tags,
    parse_proposed_questions,
    percentages_for_level,
    split_by_difficulty,
)

LIMITS = {"easy": 120, "medium": 180, "hard": 300}
EVEN = {"easy": 34, "medium": 33, "hard": 33}


def pool(easy: int = 0, medium: int = 0, hard: int = 0, tags: tuple[str, ...] = ()) -> list[PoolQuestion]:
    counts = {"easy": easy, "medium": medium, "hard": hard}
    out, next_id = [], 1
    for difficulty, n in counts.items():
        for _ in range(n):
            out.append(PoolQuestion(next_id, f"{difficulty} question {next_id}?", difficulty, frozenset(tags)))
            next_id += 1
    return out


def run(questions, count=3, percentages=EVEN, tags=(), seed=1, **kw):
    return assemble(questions, count=count, percentages=percentages, tags=tags, seed=seed, time_limits=LIMITS, **kw)


# --- largest_remainder / split_by_difficulty ------------------------------------------------------


def test_largest_remainder_sums_to_total():
    assert largest_remainder(10, [33, 33, 34]) == [3, 3, 4]


def test_largest_remainder_tie_goes_to_earlier_share():
    assert largest_remainder(1, [50, 50, 0]) == [1, 0, 0]


def test_largest_remainder_gives_remainders_to_largest_fractions():
    assert largest_remainder(7, [20, 40, 40]) == [1, 3, 3]


def test_largest_remainder_zero_total():
    assert largest_remainder(0, [20, 30, 50]) == [0, 0, 0]


def test_largest_remainder_rejects_negative_percentage():
    with pytest.raises(ValueError, match="negative"):
        largest_remainder(5, [-10, 60, 50])


def test_largest_remainder_rejects_all_zero():
    with pytest.raises(ValueError, match="positive"):
        largest_remainder(5, [0, 0, 0])


def test_split_by_difficulty_rejects_sum_other_than_100():
    with pytest.raises(ValueError, match="add up to 100 \\(they add up to 90\\)"):
        split_by_difficulty(10, {"easy": 30, "medium": 30, "hard": 30})


def test_split_by_difficulty_names_each_difficulty():
    assert split_by_difficulty(8, {"easy": 75, "medium": 25, "hard": 0}) == {"easy": 6, "medium": 2, "hard": 0}


def test_percentages_for_level_always_sum_to_100():
    assert all(sum(percentages_for_level(level).values()) == 100 for level in range(1, 11))


# --- matches_tags ---------------------------------------------------------------------------------


def test_matches_tags_any_needs_one():
    assert matches_tags({"python", "sql"}, ["SQL", "cloud"], "any")


def test_matches_tags_all_needs_every_one():
    assert not matches_tags({"python"}, ["python", "sql"], "all")


def test_matches_tags_ignores_case_and_hash():
    assert matches_tags({"System Design"}, ["#system  design"], "all")


def test_matches_tags_no_tags_matches_everything():
    assert matches_tags(set(), [], "all")


# --- assemble -------------------------------------------------------------------------------------


def test_assemble_counts_per_difficulty():
    picked = run(pool(5, 5, 5), count=10, percentages={"easy": 20, "medium": 50, "hard": 30})
    assert [q["difficulty"] for q in picked] == ["easy"] * 2 + ["medium"] * 5 + ["hard"] * 3


def test_assemble_sets_time_limit_by_difficulty():
    picked = run(pool(1, 1, 1))
    assert {q["difficulty"]: q["time_limit"] for q in picked} == LIMITS


def test_assemble_is_deterministic_for_a_seed():
    assert run(pool(9, 9, 9), count=6, seed=42) == run(list(reversed(pool(9, 9, 9))), count=6, seed=42)


def test_assemble_differs_between_seeds():
    picks = {tuple(q["question_id"] for q in run(pool(20, 20, 20), count=6, seed=s)) for s in range(5)}
    assert len(picks) > 1


def test_assemble_never_repeats_an_id():
    doubled = pool(3, 0, 0) * 2
    with pytest.raises(ShortageError, match="needs 4 easy questions, has 3"):
        run(doubled, count=4, percentages={"easy": 100, "medium": 0, "hard": 0})


def test_assemble_never_repeats_a_text():
    same = [PoolQuestion(i, "Tell me about yourself.", "easy") for i in range(1, 4)]
    with pytest.raises(ShortageError, match="needs 2 easy questions, has 1"):
        run(same, count=2, percentages={"easy": 100, "medium": 0, "hard": 0})


def test_assemble_filters_by_any_tag():
    questions = [*pool(2, 0, 0, tags=("python",)), PoolQuestion(99, "Other?", "easy", frozenset({"sql"}))]
    picked = run(questions, count=2, percentages={"easy": 100, "medium": 0, "hard": 0}, tags=["Python"])
    assert {q["question_id"] for q in picked} == {1, 2}


def test_assemble_shortage_message_names_difficulty_and_tag():
    questions = pool(5, 5, 2, tags=("python",))
    with pytest.raises(ShortageError) as caught:
        run(questions, count=10, percentages={"easy": 30, "medium": 30, "hard": 40}, tags=["python"])
    assert str(caught.value) == "Not enough questions: needs 4 hard questions tagged #python, has 2."


def test_assemble_shortage_lists_every_short_difficulty():
    with pytest.raises(ShortageError) as caught:
        run(pool(1, 5, 0), count=6, percentages={"easy": 50, "medium": 0, "hard": 50})
    message = str(caught.value)
    assert message == "Not enough questions: needs 3 easy questions, has 1; needs 3 hard questions, has 0."


def test_assemble_shortage_singular_question():
    with pytest.raises(ShortageError, match="needs 1 hard question, has 0"):
        run(pool(2, 0, 0), count=3, percentages={"easy": 67, "medium": 0, "hard": 33})


def test_assemble_shortage_with_several_tags_says_or():
    with pytest.raises(ShortageError, match="tagged #python or #sql"):
        run([], count=1, percentages={"easy": 100, "medium": 0, "hard": 0}, tags=["sql", "python"])


def test_assemble_shortage_carries_structured_shortages():
    with pytest.raises(ShortageError) as caught:
        run(pool(0, 0, 1), count=2, percentages={"easy": 0, "medium": 0, "hard": 100})
    assert [(s.difficulty, s.needed, s.available) for s in caught.value.shortages] == [("hard", 2, 1)]


def test_assemble_does_not_substitute_other_difficulties():
    with pytest.raises(ShortageError):
        run(pool(10, 0, 0), count=2, percentages={"easy": 0, "medium": 100, "hard": 0})


def test_assemble_rejects_zero_count():
    with pytest.raises(ValueError, match="at least one"):
        run(pool(1, 1, 1), count=0)


def test_assemble_key_question_shape():
    (picked,) = run([PoolQuestion(7, "Why Django?", "medium", frozenset({"django"}))], count=1,
                    percentages={"easy": 0, "medium": 100, "hard": 0})  # fmt: skip
    assert picked == {
        "question": "Why Django?",
        "time_limit": 180,
        "difficulty": "medium",
        "question_id": 7,
        "tags": ["django"],
    }


# --- assemble_lenient -----------------------------------------------------------------------------


def test_assemble_lenient_fills_short_difficulty_from_nearest():
    picked = assemble_lenient(
        pool(0, 5, 0), count=4, percentages={"easy": 0, "medium": 0, "hard": 100}, seed=1, time_limits=LIMITS
    )
    assert [q["difficulty"] for q in picked] == ["medium"] * 4


def test_assemble_lenient_returns_fewer_when_pool_is_small():
    picked = assemble_lenient(pool(1, 1, 0), count=5, percentages=EVEN, seed=1, time_limits=LIMITS)
    assert len(picked) == 2


# --- LLM proposals --------------------------------------------------------------------------------


def proposal(n: int = 3, **item: object) -> str:
    items = [{"question": f"Question {i}?", "time_limit": 120, "difficulty": "medium", **item} for i in range(n)]
    return json.dumps({"questions": items})


def test_parse_proposed_questions_accepts_valid_json():
    assert parse_proposed_questions(proposal(3))[0] == {
        "question": "Question 0?",
        "time_limit": 120,
        "difficulty": "medium",
    }


def test_parse_proposed_questions_accepts_code_fence():
    assert len(parse_proposed_questions("```json\n" + proposal(4) + "\n```")) == 4


def test_parse_proposed_questions_rejects_prose():
    with pytest.raises(InvalidProposal, match="not JSON"):
        parse_proposed_questions("Here are your questions: 1. Why?")


def test_parse_proposed_questions_rejects_too_few():
    with pytest.raises(InvalidProposal, match="3 to 15 questions, not 2"):
        parse_proposed_questions(proposal(2))


def test_parse_proposed_questions_rejects_too_many():
    with pytest.raises(InvalidProposal, match="not 16"):
        parse_proposed_questions(proposal(16))


@pytest.mark.parametrize("limit", [29, 901, "120", True, None])
def test_parse_proposed_questions_rejects_bad_time_limit(limit):
    with pytest.raises(InvalidProposal, match="time_limit from 30 to 900"):
        parse_proposed_questions(proposal(3, time_limit=limit))


def test_parse_proposed_questions_rejects_empty_question():
    with pytest.raises(InvalidProposal, match="question text"):
        parse_proposed_questions(proposal(3, question="  "))


def test_parse_proposed_questions_rejects_unknown_difficulty():
    with pytest.raises(InvalidProposal, match="unknown difficulty"):
        parse_proposed_questions(proposal(3, difficulty="extreme"))


def test_key_questions_schema_bounds_match_the_issue():
    items = KEY_QUESTIONS_SCHEMA["properties"]["questions"]
    assert (items["minItems"], items["maxItems"]) == (3, 15)
    assert (
        items["items"]["properties"]["time_limit"]["minimum"],
        items["items"]["properties"]["time_limit"]["maximum"],
    ) == (30, 900)


def test_build_key_question_messages_includes_documents():
    messages = build_key_question_messages(
        interview_type="SKL", difficulty=7, count=5, resume_text="Jane, Go dev", job_text="Rust role"
    )
    assert "Jane, Go dev" in messages[1]["content"] and "Rust role" in messages[1]["content"]
