"""The pure rules of a live interview."""

from datetime import UTC, datetime, timedelta

import pytest

from interview.interviews import transcript as s

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
GRACE = timedelta(seconds=2)
KQ = [{"question": "One?", "time_limit": 60}, {"question": "Two?", "time_limit": 90}]


def test_plan_opening_asks_first_question():
    assert s.plan_opening(KQ) == s.TurnPlan(kind="opening", question_index=0)


def test_plan_opening_without_questions_asks_none():
    assert s.plan_opening([]).question_index is None


def test_plan_after_middle_question_asks_next():
    assert s.plan_after(KQ, 0) == s.TurnPlan(kind="next_question", question_index=1)


def test_plan_after_last_question_closes():
    assert s.plan_after(KQ, 1).kind == "closing"


def test_plan_after_expiry_is_marked():
    assert s.plan_after(KQ, 0, expired=True).previous_expired is True


def test_turn_plan_round_trips_through_dict():
    plan = s.TurnPlan(kind="next_question", question_index=1, previous_expired=True)
    assert s.TurnPlan.from_dict(plan.as_dict()) == plan


@pytest.mark.parametrize(
    ("offset", "expected"),
    [(-1, "open"), (0, "open"), (1, "grace"), (2, "grace"), (2.001, "closed"), (60, "closed")],
)
def test_answer_window_edges(offset, expected):
    deadline = NOW
    assert s.answer_window(deadline, NOW + timedelta(seconds=offset), GRACE) == expected


def test_answer_window_without_deadline_is_none():
    assert s.answer_window(None, NOW, GRACE) == "none"


def test_is_overdue_only_after_grace():
    assert not s.is_overdue(NOW, NOW + GRACE, GRACE)
    assert s.is_overdue(NOW, NOW + GRACE + timedelta(milliseconds=1), GRACE)


def test_question_block_carries_number_limit_and_text():
    block = s.question_block(KQ, 1)
    assert "Question 2 of 2" in block and "1:30" in block and block.endswith("Two?")


def test_find_by_client_id_ignores_assistant_messages():
    messages = [{"id": "a", "role": "assistant", "client_id": "x"}, {"id": "u", "role": "user", "client_id": "x"}]
    assert s.find_by_client_id(messages, "x")["id"] == "u"


def test_streaming_message_finds_the_streaming_one():
    messages = [{"id": "a", "status": "complete"}, {"id": "b", "status": "streaming"}]
    assert s.streaming_message(messages)["id"] == "b"


def test_last_failed_turn_only_when_latest_assistant_failed():
    failed = [{"id": "a", "role": "assistant", "status": "error"}, {"id": "u", "role": "user", "status": "complete"}]
    assert s.last_failed_turn(failed)["id"] == "a"
    assert s.last_failed_turn([*failed, {"id": "b", "role": "assistant", "status": "complete"}]) is None


def test_iso_round_trip_is_utc_with_z():
    text = s.iso(NOW)
    assert text.endswith("Z") and s.parse_iso(text) == NOW


@pytest.mark.parametrize(
    "bad",
    [
        "not a list",
        [{"question": "", "time_limit": 60}],
        [{"question": "Q?", "time_limit": 5}],
        [{"question": "Q?", "time_limit": True}],
        ["just text"],
    ],
)
def test_validate_key_questions_refuses_bad_items(bad):
    with pytest.raises(ValueError):
        s.validate_key_questions(bad)


def test_validate_key_questions_strips_text():
    assert s.validate_key_questions([{"question": "  Q?  ", "time_limit": 60}])[0]["question"] == "Q?"
