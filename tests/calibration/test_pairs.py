"""Pairs built from database rows (reports, submitted scorecards, overrides), grouped, with their status."""

from __future__ import annotations

import pytest

from interview.calibration.selectors import ALL, calibration_pairs, calibration_rows
from interview.calibration.stats import CALIBRATED, NEEDS_REVIEW, NOT_CALIBRATED, Pair
from interview.reports.overrides import OverrideRequest, score_override
from tests.calibration.helpers import invited_report, scorecard
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def row_of(rows, criterion, model="gpt-4o-mini"):
    return next(r for r in rows if r.criterion == criterion and r.model == model)


def test_each_criterion_pairs_with_each_submitted_scorecard():
    report = invited_report()  # professionalism 70, subject_knowledge 60, clarity 50
    first, second = UserFactory(role="interviewer"), UserFactory(role="interviewer")
    scorecard(report.chat, first, {"professionalism": 4, "subject_knowledge": 3, "clarity": 3})
    scorecard(report.chat, second, {"professionalism": 5, "clarity": 2})
    got = {(s.criterion, s.pair.ai, s.pair.human) for s in calibration_pairs()}
    assert got == {
        ("professionalism", 70, 4),
        ("subject_knowledge", 60, 3),
        ("clarity", 50, 3),
        ("professionalism", 70, 5),
        ("clarity", 50, 2),
    }


def test_draft_scorecards_and_bad_scores_do_not_count():
    report = invited_report()
    scorecard(report.chat, UserFactory(role="interviewer"), {"clarity": 3}, submitted=False)
    card = scorecard(report.chat, UserFactory(role="interviewer"), {"clarity": 3})
    card.scores = {"clarity": {"score": 7}, "professionalism": {"score": "4"}}
    card.save()
    assert calibration_pairs() == []


def test_override_of_a_criterion_counts_as_a_pair_with_the_original_ai_score():
    report = invited_report()
    interviewer = UserFactory(role="admin")  # an admin is never blind: no scorecard of their own to submit first
    for score in (90, 85):  # overridden twice: still one pair, against the AI's original 50
        request = OverrideRequest(score=score, reason="Clear.", criterion="clarity")
        score_override(chat=report.chat, user=interviewer, request=request)
    scorecard(report.chat, UserFactory(role="interviewer"), {"clarity": 4})
    got = sorted((s.pair.ai, s.pair.human, s.pair.rater == f"user:{interviewer.pk}") for s in calibration_pairs())
    assert got == [(50, 4, False), (50, 5, True)]


def test_question_overrides_are_not_pairs():
    report = invited_report()
    request = OverrideRequest(score=2, reason="Weak.", question=1)
    score_override(chat=report.chat, user=UserFactory(role="admin"), request=request)
    assert calibration_pairs() == []


def test_rows_group_by_model_and_prompt_version_with_offline_apart():
    for model, prompt, offline in (("gpt-4o-mini", "p1", False), ("gpt-4o-mini", "p2", False), ("", "p1", True)):
        report = invited_report(model=model, prompt=prompt, offline=offline)
        scorecard(report.chat, UserFactory(role="interviewer"), {"clarity": 3})
    rows = calibration_rows()
    groups = {(r.model, r.prompt_version, r.offline) for r in rows}
    assert groups == {("gpt-4o-mini", "p1", False), ("gpt-4o-mini", "p2", False), ("offline-rubric", "p1", True)}
    assert [r.criterion for r in rows if r.prompt_version == "p2"] == [ALL, "clarity"]
    assert [r.model for r in calibration_rows(model="offline-rubric")] == ["offline-rubric"] * 2
    assert {r.prompt_version for r in calibration_rows(model="gpt-4o-mini", prompt_version="p2")} == {"p2"}


def agreeing_reports(count, raters, start=0):
    """`count` reports whose clarity the AI put at a band's midpoint and people scored that band."""
    for number in range(start, start + count):
        band = number % 5 + 1
        report = invited_report(scores={"clarity": band * 20 - 10})
        scorecard(report.chat, raters[number % len(raters)], {"clarity": band})


def test_29_pairs_are_not_calibrated_and_30_are():
    raters = [UserFactory(role="interviewer"), UserFactory(role="interviewer")]
    agreeing_reports(29, raters)
    m = row_of(calibration_rows(), "clarity").metrics
    assert (m.pairs, m.kappa, m.status) == (29, 1.0, NOT_CALIBRATED)
    agreeing_reports(1, raters, start=29)
    m = row_of(calibration_rows(), "clarity").metrics
    assert (m.pairs, m.raters, m.kappa, m.mae, m.status) == (30, 2, 1.0, 0.0, CALIBRATED)


def test_30_pairs_in_one_band_need_review():
    raters = [UserFactory(role="interviewer"), UserFactory(role="interviewer")]
    for number in range(30):
        report = invited_report(scores={"clarity": 50})
        scorecard(report.chat, raters[number % 2], {"clarity": 3})
    m = row_of(calibration_rows(), "clarity").metrics
    assert (m.pairs, m.mae, m.kappa, m.status) == (30, 0.0, None, NEEDS_REVIEW)  # kappa undefined


def test_one_rater_is_not_calibrated_however_many_pairs():
    rater = UserFactory(role="interviewer")
    for number in range(30):
        band = number % 5 + 1
        report = invited_report(scores={"clarity": band * 20 - 10})
        scorecard(report.chat, rater, {"clarity": band})
    m = row_of(calibration_rows(), "clarity").metrics
    assert (m.pairs, m.raters, m.kappa, m.status) == (30, 1, 1.0, NOT_CALIBRATED)


def test_pair_holds_plain_values():
    report = invited_report(scores={"clarity": 42})
    scorecard(report.chat, UserFactory(role="interviewer"), {"clarity": 2})
    assert next(s.pair for s in calibration_pairs()) == Pair(
        42, 2, f"user:{report.chat.scorecards.get().interviewer_id}"
    )


def test_non_numeric_ai_scores_are_skipped_and_floats_rounded():
    report = invited_report(scores={"clarity": 50, "professionalism": 70})
    report.criterion_scores[0]["score"] = 71.6
    report.criterion_scores[1]["score"] = None
    report.save()
    scorecard(report.chat, UserFactory(role="interviewer"), {"professionalism": 4, "clarity": 3})
    assert [(s.criterion, s.pair.ai) for s in calibration_pairs()] == [("professionalism", 72)]
