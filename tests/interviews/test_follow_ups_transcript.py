"""The pure rules of follow-ups (interview/interviews/transcript.py): the policy, their clocks, the model's decision."""

from datetime import UTC, datetime

from interview.interviews import transcript as s

NOW = datetime(2026, 11, 24, 18, 0, tzinfo=UTC)
OTHER = "How do you make sure a change does not break production?"


def questions(*statuses, follow_ups=()):
    """Key questions with these statuses; the first has the given follow-ups."""
    items = [{"question": f"Question {i}?", "time_limit": 120, "status": status} for i, status in enumerate(statuses)]
    if follow_ups:
        items[0]["follow_ups"] = [dict(f) for f in follow_ups]
    return items


def test_plan_after_answer_offers_a_follow_up_within_the_policy():
    assert s.plan_after(questions("answered", "pending"), 0, max_follow_ups=1).follow_up_of == 0


def test_plan_after_answer_with_policy_zero_offers_none():
    assert s.plan_after(questions("answered", "pending"), 0, max_follow_ups=0).follow_up_of is None


def test_plan_after_expiry_offers_none():
    assert s.plan_after(questions("expired", "pending"), 0, expired=True, max_follow_ups=3).follow_up_of is None


def test_plan_after_policy_used_up_offers_none():
    asked = [{"number": 1, "source": "ai", "status": "answered"}]
    assert s.plan_after(questions("answered", "pending", follow_ups=asked), 0, max_follow_ups=1).follow_up_of is None


def test_plan_after_follow_up_answer_offers_another_under_a_policy_of_three():
    asked = [
        {"number": 1, "source": "ai", "status": "answered"},
        {"number": 2, "source": "offline", "status": "answered"},
    ]
    assert s.plan_after(questions("answered", "pending", follow_ups=asked), 0, max_follow_ups=3).follow_up_of == 0


def test_plan_after_observer_probes_do_not_count_against_the_policy():
    asked = [{"number": 1, "source": "observer", "status": "answered"}]
    assert s.plan_after(questions("answered", "pending", follow_ups=asked), 0, max_follow_ups=1).follow_up_of == 0


def test_plan_after_expired_follow_up_offers_none():
    asked = [{"number": 1, "source": "ai", "status": "expired"}]
    plan = s.plan_after(questions("answered", "pending", follow_ups=asked), 0, expired=True, max_follow_ups=3)
    assert (plan.kind, plan.question_index, plan.follow_up_of) == ("next_question", 1, None)


def test_plan_after_last_answer_is_a_closing_that_may_become_a_follow_up():
    plan = s.plan_after(questions("answered", "answered"), 1, max_follow_ups=1)
    assert (plan.kind, plan.question_index, plan.follow_up_of) == ("closing", None, 1)


def test_turn_plan_round_trips_follow_up_of():
    plan = s.TurnPlan(kind="next_question", question_index=2, follow_up_of=1)
    assert s.TurnPlan.from_dict(plan.as_dict()) == plan


def test_turn_plan_from_an_old_stored_dict_has_no_follow_up():
    assert s.TurnPlan.from_dict({"kind": "closing", "question_index": None}).follow_up_of is None


def test_follow_up_time_limit_is_a_share_of_the_key_limit():
    assert s.follow_up_time_limit(300, 0.5) == 150


def test_follow_up_time_limit_is_at_least_a_minute():
    assert s.follow_up_time_limit(60, 0.5) == 60


def test_follow_up_add_numbers_from_one_and_runs_its_clock():
    key = {"question": "Q?", "time_limit": 120}
    s.follow_up_add(key, text="First?", source="ai", asked_by=None, time_limit=60, now=NOW)
    item = s.follow_up_add(key, text="Second?", source="offline", asked_by=None, time_limit=60, now=NOW)
    assert (item["number"], item["status"], item["deadline"]) == (2, "asked", "2026-11-24T18:01:00Z")


def test_running_question_is_the_follow_up_whose_clock_runs():
    key = questions("answered", follow_ups=[{"number": 1, "question": "Why?", "status": "asked"}])
    assert s.running_question(key, 0, 1)["question"] == "Why?"


def test_running_question_without_follow_up_is_the_key_question():
    assert s.running_question(questions("asked"), 0, None)["question"] == "Question 0?"


def test_user_message_to_a_follow_up_carries_its_number():
    message = s.user_message(
        message_id="m-1", client_id="c", content="x", now=NOW, question_index=0, answer_seconds=1.0, follow_up=2
    )
    assert message["follow_up"] == 2


def test_user_message_to_a_key_question_has_no_follow_up_key():
    message = s.user_message(
        message_id="m-1", client_id="c", content="x", now=NOW, question_index=0, answer_seconds=1.0
    )
    assert "follow_up" not in message


def decide(raw):
    return s.follow_up_decision_parse(raw, other_questions=[OTHER])


def test_decision_parse_asks_the_models_question():
    decision = decide('{"follow_up": true, "question": "Which metric showed the query was slow?"}')
    assert (decision.outcome, decision.question) == ("ask", "Which metric showed the query was slow?")


def test_decision_parse_no_follow_up():
    assert decide('{"follow_up": false, "question": ""}').outcome == "none"


def test_decision_parse_json_inside_prose_or_a_code_fence():
    raw = 'Sure!\n```json\n{"follow_up": true, "question": "What did you measure first?"}\n```'
    assert decide(raw).question == "What did you measure first?"


def test_decision_parse_garbage_falls_back():
    assert decide("Thank you for that answer. Let's move on.").outcome == "fallback"


def test_decision_parse_non_boolean_falls_back():
    assert decide('{"follow_up": "yes", "question": "Why?"}').outcome == "fallback"


def test_decision_parse_empty_question_falls_back():
    assert decide('{"follow_up": true, "question": "   "}').outcome == "fallback"


def test_decision_parse_two_questions_fall_back():
    assert decide('{"follow_up": true, "question": "Why? And how?"}').outcome == "fallback"


def test_decision_parse_a_statement_falls_back():
    assert decide('{"follow_up": true, "question": "Tell me more about the index."}').outcome == "fallback"


def test_decision_parse_over_300_characters_falls_back():
    assert decide('{"follow_up": true, "question": "%s?"}' % ("a" * 300)).outcome == "fallback"


def test_decision_parse_another_key_question_falls_back():
    assert (
        decide('{"follow_up": true, "question": "How do you make sure a change doesn\'t break production?"}').outcome
        == "fallback"
    )


def test_decision_parse_collapses_whitespace():
    assert (
        decide('{"follow_up": true, "question": "  What   changed\\n afterwards?"}').question
        == "What changed afterwards?"
    )
