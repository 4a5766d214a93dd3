"""A key question the hiring team skipped before any answer: not scored and never held against the candidate."""

from __future__ import annotations

import pytest

from interview.reports import grading as g
from interview.reports import services as svc
from tests.factories import ChatFactory

WEIGHTS = dict(g.DEFAULT_WEIGHTS)
QUESTION = "Describe how you would design a caching layer for a high-traffic Django application."
STRONG = (
    "I would design the caching layer in three parts. First, per-view caching for anonymous pages, because most "
    "traffic is read-only. Then a Redis cache for expensive queries, with keys versioned by model. For example, "
    "at my last job this cut database load by 70 percent. Finally, I would monitor hit rates and tune expiry."
)


def _grade(*statuses: str) -> g.Grade:
    questions = tuple(
        g.QuestionAnswer(i, QUESTION, STRONG if status == "answered" else "", status)
        for i, status in enumerate(statuses)
    )
    return g.grade_offline(g.GradingInput("Backend", "General", 5, questions), WEIGHTS)


def test_grade_offline_skipped_question_does_not_lower_the_scores():
    assert _grade("answered", "skipped").overall == _grade("answered").overall


def test_grade_offline_expired_question_still_lowers_the_scores():
    assert _grade("answered", "expired").overall < _grade("answered").overall


def test_grade_offline_skipped_question_says_it_was_not_scored():
    assert _grade("answered", "skipped").questions[1].feedback == g.SKIPPED_FEEDBACK


@pytest.mark.django_db
def test_report_totals_count_a_skipped_question_as_asked():
    chat = ChatFactory(
        key_questions=[
            {"question": "A?", "time_limit": 60, "status": "answered"},
            {"question": "B?", "time_limit": 60, "status": "skipped"},
            {"question": "C?", "time_limit": 60, "status": "pending"},
        ]
    )
    assert svc.report_totals(chat)["total_questions_asked"] == 2
