"""Journey: an interviewer edits a template's rubric in the browser (add a criterion, remove one, a refused save,
Enter saves), and a report of an interview from that template shows every criterion.

Screenshots: artifacts/e2e/rubric_editor/.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from interview.models import InterviewTemplate
from interview.reports import services as report_services
from tests.e2e.helpers import log_in, person, template
from tests.reports.helpers import make_chat

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def row(page, n: int, field: str):
    return page.locator(f'[name="criterion-{n}-{field}"]')


def test_interviewer_edits_a_rubric_and_the_report_shows_its_criteria(journey, site):
    ivy = person("ivy", role="interviewer")
    screen = template(ivy, name="Backend screen", count=2)
    page = journey.page()
    log_in(page, "ivy")
    page.goto(f"/setup/templates/{screen.pk}/edit/")
    expect(row(page, 2, "key")).to_have_value("clarity")

    page.get_by_role("button", name="Add a criterion").click()
    for field, value in (
        ("key", "ownership"),
        ("name", "Ownership"),
        ("description", "Takes responsibility for outcomes and follows through."),
        ("anchor_1", "Blames others."),
        ("anchor_3", "Owns their part."),
        ("anchor_5", "Owns the outcome end to end."),
        ("weight", "2"),
    ):
        row(page, 3, field).fill(value)
    page.get_by_role("button", name="Remove criterion 1").click()
    expect(row(page, 0, "key")).to_have_value("subject_knowledge")
    expect(row(page, 2, "name")).to_have_value("Ownership")
    journey.shot(page, "criteria-editor")

    row(page, 2, "anchor_5").fill("")
    row(page, 2, "weight").press("Enter")  # Enter saves (the form's default button), it never removes a row
    expect(page.locator("#rubric_errors")).to_contain_text("Criterion 3: the anchor for 5")
    expect(row(page, 0, "key")).to_have_value("subject_knowledge")
    journey.shot(page, "refused-rubric")
    # A refused form is answered 400, which Chromium logs as a console error: expected here, and only here.
    refused = [e for e in journey.errors if "status of 400" in e and f"/setup/templates/{screen.pk}/edit/" in e]
    assert len(refused) == 1
    journey.errors.remove(refused[0])
    assert InterviewTemplate.objects.get(pk=screen.pk).rubric[0]["key"] == "professionalism"  # nothing saved

    row(page, 2, "anchor_5").fill("Owns the outcome end to end.")
    page.get_by_role("button", name="Save", exact=True).last.click()
    expect(page.locator("#rubric")).to_contain_text("Ownership")
    journey.shot(page, "template-rubric")
    rubric = InterviewTemplate.objects.get(pk=screen.pk).rubric
    assert [(c["key"], c["weight"]) for c in rubric] == [
        ("subject_knowledge", 0.1636),  # 0.45, 0.30 and 2, scaled to add up to 1
        ("clarity", 0.1091),
        ("ownership", 0.7273),
    ]

    pat = person("pat")
    chat = make_chat(pat, offline=True)
    chat.rubric = rubric
    chat.save(update_fields=["rubric"])
    report_services.report_request(chat=chat)
    report_services.report_generate(chat_id=chat.pk)
    candidate = journey.page()
    log_in(candidate, "pat")
    candidate.goto(f"/interviews/{chat.pk}/report/")
    criteria = candidate.locator(".report-criteria")
    expect(criteria).to_contain_text("Ownership")
    expect(criteria).to_contain_text("offline rubric, not AI judgement")
    expect(criteria.locator("tbody tr")).to_have_count(3)
    journey.shot(candidate, "report-criteria")
