"""Resume parsing journey: paste a resume, watch the page turn to parsed by itself, correct a skill, save."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from interview.models import TokenUsage, UploadedResume
from tests.e2e.helpers import log_in, person

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

RESUME = """Ana Lima
Backend developer, Acme (2020 - present)
- Moved PDF rendering to a worker
Skills: Python, Django, PostgreSQL
BSc Computer Science, University of Leeds, 2019"""


def test_resume_parsed_live_then_a_skill_corrected(journey, site):
    ana = person("ana")
    page = journey.page()
    log_in(page, "ana", path="/accounts/login/?next=/resumes/upload/")
    page.get_by_label("Title").fill("Backend CV")
    page.get_by_label("Or paste the resume's text").fill(RESUME)
    page.get_by_role("button", name="Add resume").click()

    # The worker parses it; the panel polls and shows the result without a reload.
    status = page.locator("[data-parse-status]")
    expect(status).to_have_attribute("data-parse-status", "success")
    skills = page.locator("td[data-field=skills]")
    expect(skills).to_contain_text("Djngo")
    expect(page.locator("td[data-field=experience]")).to_contain_text("Backend developer, Acme")
    journey.shot(page, "parsed")

    # The model misspelt a skill: the owner corrects it.
    page.get_by_text("Edit the parsed fields").click()
    field = page.get_by_label("Skills")
    field.fill(field.input_value().replace("Djngo", "Django"))
    journey.shot(page, "editing")
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator(".messages, .message, body")).to_contain_text("Your changes to the parsed resume were saved.")
    expect(skills).to_contain_text("Django")
    expect(skills).not_to_contain_text("Djngo")
    expect(page.get_by_text("Edited by you on")).to_be_visible()
    journey.shot(page, "corrected")

    resume = UploadedResume.objects.get(user=ana)
    assert resume.skills == ["Python", "Django", "PostgreSQL"] and resume.parsed_edited_at is not None
    assert TokenUsage.objects.filter(user=ana, request_type="resume_parse").count() == 1
