"""Resume parsing journey: paste a resume, watch the page turn to parsed by itself, correct a skill, save; then
see the resume's fit against a job listing and start an interview from it (issue 21)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from interview.models import Chat, TokenUsage, UploadedJobListing, UploadedResume
from tests.e2e.helpers import log_in, person, template, wait_reply_done

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

RESUME = """Ana Lima
Backend developer, Acme (2020 - present)
- Moved PDF rendering to a worker
Skills: Python, Django, PostgreSQL
BSc Computer Science, University of Leeds, 2019"""
JOB = """Django developer (mid-level)

We build a hiring product in Python and Django on PostgreSQL. You have 3+ years of experience."""


def test_resume_parsed_live_then_a_skill_corrected(journey, site):
    template(person("hiring-lead", role="interviewer"), name="Django Backend Screen", count=3, public=True)
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

    # The fit against a job listing: the corrected skill now matches (computed, not AI, and said so).
    page.get_by_role("link", name="Job listings").click()
    page.get_by_role("link", name="Add your first job listing").click()
    page.get_by_label("Title").fill("Django developer at Hirely")
    page.get_by_label("Or paste the job description").fill(JOB)
    page.get_by_role("button", name="Add job listing").click()
    expect(page.locator("section[id^=job-parse-]")).to_contain_text("Django Backend Screen")
    page.reload()  # the fit panel is drawn with the parsed listing
    fit = page.locator("#fit-panel")
    expect(fit).to_contain_text("Fit 100/100")
    expect(fit).to_contain_text("missing: none")
    expect(fit).to_contain_text("not by AI")
    journey.shot(page, "fit-on-job-listing")

    # The new-interview form shows the same fit, and the interview starts from it.
    page.get_by_role("link", name="Practise for this job").click()
    expect(page.get_by_label("Resume", exact=True)).to_have_value(str(resume.pk))
    expect(page.locator("#fit-panel")).to_contain_text("Fit 100/100")
    journey.shot(page, "fit-on-new-interview")
    page.get_by_role("button", name="Create and open").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Django developer at Hirely")
    page.get_by_role("button", name="Start the interview").click()
    wait_reply_done(page, 1)
    expect(page.locator("#question-label")).to_have_text("Question 1 of 3")
    journey.shot(page, "interview-started")
    chat = Chat.objects.get(user=ana)
    assert (chat.resume_id, chat.job_listing_id) == (resume.pk, UploadedJobListing.objects.get(user=ana).pk)
