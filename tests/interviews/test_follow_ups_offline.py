"""The offline interviewer's follow-up rules (interview/llm/offline.py): plain, labelled, once each per key question."""

from interview.llm.offline import FOLLOW_UP_EXAMPLE, FOLLOW_UP_OUTCOME, offline_follow_up

LONG_WITHOUT_RESULT = " ".join(
    "I looked at the slow page and read the query plan and then added an index on the orders table "
    "and talked to the team about the way we write queries in the ORM for the reports page".split()
)
LONG_WITH_RESULT = LONG_WITHOUT_RESULT + " and the page load time dropped by 80%"


def test_offline_follow_up_short_answer_asks_for_a_concrete_example():
    assert offline_follow_up("I add an index.") == FOLLOW_UP_EXAMPLE


def test_offline_follow_up_example_question_reads_as_one_question():
    assert (
        FOLLOW_UP_EXAMPLE.startswith("Can you walk me through a concrete example") and FOLLOW_UP_EXAMPLE.count("?") == 1
    )


def test_offline_follow_up_answer_without_a_result_asks_for_the_outcome():
    assert len(LONG_WITHOUT_RESULT.split()) >= 25 and offline_follow_up(LONG_WITHOUT_RESULT) == FOLLOW_UP_OUTCOME


def test_offline_follow_up_outcome_question_reads_as_one_question():
    assert FOLLOW_UP_OUTCOME.startswith("What was the outcome") and FOLLOW_UP_OUTCOME.count("?") == 1


def test_offline_follow_up_long_answer_with_a_result_gets_none():
    assert offline_follow_up(LONG_WITH_RESULT) is None


def test_offline_follow_up_never_repeats_a_rule_for_the_same_key_question():
    assert offline_follow_up("Still short.", asked=[FOLLOW_UP_EXAMPLE]) == FOLLOW_UP_OUTCOME


def test_offline_follow_up_both_rules_used_gets_none():
    assert offline_follow_up("Still short.", asked=[FOLLOW_UP_EXAMPLE, FOLLOW_UP_OUTCOME]) is None
