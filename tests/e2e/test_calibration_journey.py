"""Journey: an interviewer overrides an AI score on the report page with a reason, then opens /calibration/."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.calibration.helpers import scorecard, scored_report
from tests.e2e.helpers import log_in, person

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_interviewer_overrides_a_score_then_reads_calibration(journey, site):
    ada = person("ada", role="interviewer", first_name="Ada", last_name="Lovelace")
    carl = person("carl", verified=True, email="carl@example.com")
    report = scored_report(interviewer=ada, candidate=carl)  # ada has submitted her scorecard: not blind
    scorecard(
        report.chat, person("bea", role="interviewer"), {"professionalism": 4, "subject_knowledge": 3, "clarity": 2}
    )

    page = journey.page()
    log_in(page, "ada", path=f"/accounts/login/?next=/interviews/{report.chat_id}/report/")
    expect(page.get_by_role("heading", name="Score overrides")).to_be_visible()
    page.get_by_label("Score to override").select_option(label="Question 1 (now 7/10)")
    page.get_by_label("New score (0-10 for a question, 0-100 for a criterion)").fill("5")
    page.get_by_label("Reason (required; the candidate never sees it)").fill("Missed the trade-offs.")
    page.get_by_role("button", name="Override score").click()
    expect(page.locator(".flash-success")).to_contain_text("now version 2")
    expect(page.locator(".override-note").first).to_have_text("AI 7 → 5 (Missed the trade-offs.)")
    journey.shot(page, "report-overridden")

    page.get_by_label("Score to override").select_option(label="Clarity (now 50/100)")
    page.get_by_label("New score (0-10 for a question, 0-100 for a criterion)").fill("30")
    page.get_by_label("Reason (required; the candidate never sees it)").fill("Hard to follow.")
    page.get_by_role("button", name="Override score").click()
    expect(page.locator(".override-list")).to_contain_text("Clarity: AI 50 → 30 (Hard to follow.)")

    page.get_by_role("link", name="Calibration").click()
    expect(page.get_by_role("heading", name="Calibration", exact=True)).to_be_visible()
    table = page.locator(".cal-table")
    expect(table).to_contain_text("gpt-4o-mini")
    expect(table).to_contain_text("not calibrated")
    expect(page.locator("svg.cal-plot")).to_have_count(3)
    journey.shot(page, "calibration")
