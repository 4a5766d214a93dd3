"""Journey: two interviewers score the same completed interview blind, see it side by side, and the creator decides.

Ines invited the candidate and put Marco on the panel. Each scores on the scorecard page without seeing the
other's scores or the AI's; after submitting, each sees every human and the AI per criterion, with the
disagreements of two bands or more highlighted. Marco then overrides the AI's clarity score with a reason.
Marco recommends a strong no, so Ines's decision must acknowledge it. Last, the calibration page.
"""

from __future__ import annotations

import shutil

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from interview.models import ExportableReport, InvitedInterview
from tests.e2e.helpers import log_in, person
from tests.factories import InvitationFactory
from tests.reports.helpers import make_chat

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

AI_FEEDBACK = "Knows the ORM well; explanations could be tighter."
AI_CRITERIA = [  # clarity 91 → band 5; subject knowledge 55 → band 3; professionalism 70 → band 4
    {"key": "professionalism", "name": "Professionalism", "weight": 0.25, "score": 70, "evidence": "", "feedback": ""},
    {"key": "subject_knowledge", "name": "Subject knowledge", "weight": 0.45, "score": 55, "evidence": "", "feedback": ""},
    {"key": "clarity", "name": "Clarity", "weight": 0.30, "score": 91, "evidence": "", "feedback": ""},
]  # fmt: skip


def completed_interview():
    """A completed invited interview with Ines as its creator, Marco on its panel and a ready AI report."""
    ines = person("ines", role="interviewer", first_name="Ines", last_name="Ortega")
    marco = person("marco", role="interviewer", first_name="Marco", last_name="Rossi")
    candidate = person("cara", email="cara@example.com", verified=True)
    chat = make_chat(candidate)
    invitation = InvitationFactory(
        interviewer=ines, candidate=candidate, candidate_email=candidate.email, chat=chat,
        status=InvitedInterview.COMPLETED, completed_at=timezone.now(),
    )  # fmt: skip
    invitation.panel.add(marco)
    ExportableReport.objects.create(
        chat=chat, status=ExportableReport.READY, version=1, model_name="gpt-4o-mini", professionalism_score=70,
        subject_knowledge_score=55, clarity_score=91, overall_score=70, feedback_text=AI_FEEDBACK,
        criterion_scores=AI_CRITERIA, total_questions_asked=3, total_responses_given=2,
    )  # fmt: skip
    return invitation


def score(page, scores: dict[str, int], recommendation: str, comment: str = "") -> None:
    for key, value in scores.items():
        page.locator(f'input[name="score_{key}"][value="{value}"]').check()
    if comment:
        page.locator("#id_comment_clarity").fill(comment)
    page.get_by_label("Recommendation").select_option(recommendation)


def test_panel_scores_blind_then_side_by_side_then_decides(journey, site):
    journey.folder = journey.folder.parent / "panel"  # the folder: artifacts/e2e/panel/
    shutil.rmtree(journey.folder, ignore_errors=True)
    journey.folder.mkdir(parents=True)
    invitation = completed_interview()
    scorecards = f"/interviews/{invitation.chat_id}/scorecards/"

    # Ines, the creator, scores first: blind, the AI report's scores hidden on the invitation page too.
    ines = journey.page()
    log_in(ines, "ines")
    ines.goto(f"/invitations/{invitation.pk}/review/")
    expect(ines.get_by_test_id("report-hidden")).to_be_visible()
    expect(ines.locator("main")).not_to_contain_text(AI_FEEDBACK)
    ines.get_by_role("link", name="Scorecards (0 submitted)").click()
    expect(ines.get_by_test_id("blind-notice")).to_be_visible()
    expect(ines.get_by_test_id("side-by-side")).to_have_count(0)
    score(ines, {"professionalism": 4, "subject_knowledge": 4, "clarity": 4}, "yes", "INES-CLARITY-NOTE")
    journey.shot(ines, "creator-scoring-blind")
    ines.get_by_role("button", name="Submit (final)").click()
    expect(ines.get_by_test_id("side-by-side")).to_be_visible()

    # Marco, on the panel, still sees neither Ines's scores nor the AI's.
    marco = journey.page()
    log_in(marco, "marco")
    marco.goto(scorecards)
    expect(marco.get_by_test_id("blind-notice")).to_be_visible()
    expect(marco.get_by_test_id("side-by-side")).to_have_count(0)
    expect(marco.locator("main")).not_to_contain_text("INES-CLARITY-NOTE")
    expect(marco.locator("main")).not_to_contain_text("91/100")
    journey.shot(marco, "member-scoring-blind")
    score(marco, {"professionalism": 2, "subject_knowledge": 3, "clarity": 2}, "strong_no")
    marco.get_by_role("button", name="Submit (final)").click()

    # After submitting, everything side by side: the AI (band and points) and both humans, disagreements marked.
    board = marco.get_by_test_id("side-by-side")
    expect(board).to_contain_text("Ines Ortega")
    expect(board).to_contain_text("INES-CLARITY-NOTE")
    expect(board.locator('tr[data-criterion="clarity"]')).to_contain_text("(91/100)")
    expect(board.locator('tr[data-criterion="clarity"]')).to_have_class("score-disagree")
    expect(board.locator('tr[data-criterion="subject_knowledge"]')).not_to_have_class("score-disagree")
    journey.shot(marco, "side-by-side")

    # Marco, having submitted, corrects the AI's clarity score on the report with a reason.
    marco.goto(f"/interviews/{invitation.chat_id}/report/")
    marco.get_by_label("Score to override").select_option(label="Clarity (now 91/100)")
    marco.get_by_label("New score (0-10 for a question, 0-100 for a criterion)").fill("40")
    marco.get_by_label("Reason (required; the candidate never sees it)").fill("Rambled through the indexing answer.")
    marco.get_by_role("button", name="Override score").click()
    expect(marco.locator(".override-list")).to_contain_text(
        "Clarity: AI 91 → 40 (Rambled through the indexing answer.)"
    )
    journey.shot(marco, "override")

    # Ines records the decision; Marco's strong no must be acknowledged.
    ines.goto(f"/invitations/{invitation.pk}/review/")
    expect(ines.get_by_test_id("strong-no-warning")).to_contain_text("Marco Rossi")
    expect(ines.locator("main")).to_contain_text(AI_FEEDBACK)  # she has submitted: the AI report shows
    # (Recording it without the acknowledgement is refused: tests/hiring/test_decision.py; the 400 page would be
    # a console error here.)
    ines.locator('input[name="decision"][value="hold"]').check()
    ines.get_by_label("I have read the strong no").check()
    ines.get_by_role("textbox", name="Reason").fill(
        "Marco's strong no on depth: a second technical round before deciding."
    )
    ines.get_by_role("button", name="Record decision").click()
    expect(ines.get_by_test_id("decision")).to_contain_text("Hold")
    expect(ines.get_by_test_id("decision")).to_contain_text("recorded by ines")
    journey.shot(ines, "decision-recorded")
    invitation.refresh_from_db()
    assert (invitation.decision, invitation.decided_by.username) == ("hold", "ines")

    # The calibration page counts both humans' scores and Marco's override as AI-human pairs.
    ines.get_by_role("link", name="Calibration").click()
    expect(ines.locator(".cal-table")).to_contain_text("not calibrated")
    journey.shot(ines, "calibration")
