"""Journey 1: a newcomer signs up, adds a resume and a job listing, practises for the job and reads the report."""

from __future__ import annotations

import re

import fitz
import pytest
from playwright.sync_api import expect

from interview.models import Chat, ExportableReport, UploadedJobListing
from tests.e2e.axe import assert_no_serious_axe_violations
from tests.e2e.helpers import (
    PASSWORD,
    QUESTIONS,
    assistant_bodies,
    person,
    streaming_text,
    template,
    wait_reply_done,
    words_of,
)

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

JOB = """Django developer (mid-level)

We are a small team building a hiring product in Python and Django on PostgreSQL.
You have 3+ years of experience shipping web applications and enjoy reviewing code."""
ANSWERS = (
    "I built an invoicing app in Django; the decision I am proudest of was moving PDF rendering to a worker queue.",
    "I read the query plan with EXPLAIN ANALYZE, add the missing index and check the query count in a test.",
    "Small reviewed pull requests, a test suite in CI and a feature flag so a bad change can be turned off.",
)


def resume_pdf(path):
    """A one-page PDF resume with real text (as exported from a word processor)."""
    document = fitz.open()
    page = document.new_page()
    lines = ["Nina Newcomer", "Backend developer", "3 years of Python, Django and PostgreSQL at Invoicely."]
    for index, line in enumerate(lines):
        page.insert_text((72, 90 + 22 * index), line, fontsize=14 if index == 0 else 11)
    document.save(path)
    return path


def test_newcomer_signs_up_practises_and_downloads_report(journey, site, tmp_path):
    template(person("hiring-lead", role="interviewer"), name="Django Backend Screen", count=3, public=True)
    page = journey.page()

    # Sign up: a mistake first, and the form says what is wrong.
    page.goto("/")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to content")).to_be_focused()
    page.get_by_role("link", name="Create an account").click()
    page.get_by_label("Username").fill("nina")
    page.get_by_label("Email").fill("nina@example.com")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password confirmation").fill(PASSWORD + "-typo")
    page.get_by_role("button", name="Create account").click()
    expect(page.locator(".form-field.has-errors .errorlist")).to_contain_text("didn’t match")
    expect(page.get_by_label("Password confirmation")).to_have_attribute("aria-invalid", "true")
    journey.shot(page, "register-error")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password confirmation").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    expect(page.locator(".flash-success")).to_contain_text("Welcome, nina!")

    # A resume, uploaded as a PDF.
    page.get_by_role("link", name="Resumes").click()
    expect(page.locator(".empty-state")).to_contain_text("No resumes yet")
    journey.shot(page, "resumes-empty")
    assert_no_serious_axe_violations(page, "newcomer: resumes (empty)")
    page.get_by_role("link", name="Upload your first resume").click()
    # The first upload with a model configured: the consent page names the provider, then comes back.
    expect(page.get_by_role("heading", level=1)).to_have_text("Sending your data to the AI model")
    expect(page.locator("main")).to_contain_text("OpenAI-compatible server at 127.0.0.1")
    journey.shot(page, "consent")
    page.get_by_role("button", name="I agree").click()
    expect(page.locator(".flash-success")).to_contain_text("may now be sent to the AI model")
    page.get_by_label("Title").fill("Nina — backend")
    page.get_by_label("File").set_input_files(resume_pdf(tmp_path / "nina.pdf"))
    page.get_by_role("button", name="Add resume").click()
    expect(page.locator("main")).to_contain_text("3 years of Python, Django and PostgreSQL")
    journey.shot(page, "resume-uploaded")

    # A job listing, pasted; the worker parses it and the page updates by itself.
    page.get_by_role("link", name="Job listings").click()
    page.get_by_role("link", name="Add your first job listing").click()
    page.get_by_label("Title").fill("Django developer at Hirely")
    page.get_by_label("Or paste the job description").fill(JOB)
    page.get_by_role("button", name="Add job listing").click()
    expect(page.locator(".flash-success")).to_contain_text("parsing has started")
    journey.shot(page, "job-parsing")
    panel = page.locator("section[id^=job-parse-]")
    expect(panel).to_contain_text("Django Backend Screen")
    expect(panel).to_contain_text("PostgreSQL")
    journey.shot(page, "job-parsed-recommendation")
    assert_no_serious_axe_violations(page, "newcomer: job listing (parsed)")

    # An interview from the recommendation: the form arrives filled in.
    page.get_by_role("link", name="Practise for this job").click()
    expect(page.get_by_label("Job listing", exact=True)).to_have_value(str(UploadedJobListing.objects.get().pk))
    expect(page.get_by_label("Resume", exact=True)).not_to_have_value("")
    journey.shot(page, "new-interview-from-recommendation")
    assert_no_serious_axe_violations(page, "newcomer: new interview")
    page.get_by_role("button", name="Create and open").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Django developer at Hirely")
    asked = [q["question"] for q in Chat.objects.get().key_questions]
    assert len(asked) == 3 and set(asked) <= set(QUESTIONS)  # from the recommended template's bank

    # The greeting streams in word by word.
    site.llm.words, site.llm.pace = 60, 0.05
    page.get_by_role("button", name="Start the interview").click()
    partial = words_of(streaming_text(page, "w1x03"))
    journey.shot(page, "reply-streaming")
    greeting = wait_reply_done(page, 1)
    assert 0 < len(partial) < 60 and words_of(greeting)[: len(partial)] == partial
    assert words_of(greeting) == words_of(site.llm.texts[0])
    expect(page.locator("#question-label")).to_have_text("Question 1 of 3")
    # The transcript is no live region (deltas would be read piecemeal); finished sentences are announced.
    expect(page.locator("#transcript")).not_to_have_attribute("aria-live", re.compile(".*"))
    expect(page.locator("#announce-reply")).to_have_attribute("aria-live", "polite")
    expect(page.locator("#announce-reply p").last).to_have_text(asked[0])
    assert_no_serious_axe_violations(page, "newcomer: live page")

    # Every key question answered from the keyboard (Ctrl+Enter sends).
    site.llm.words, site.llm.pace = 16, 0.0
    for number, answer in enumerate(ANSWERS, start=1):
        expect(page.locator("#answer")).to_be_focused()
        page.keyboard.type(answer)
        if number == 2:
            journey.shot(page, "answering")
        page.keyboard.press("Control+Enter")
        wait_reply_done(page, number + 1)
        if number < 3:
            expect(page.locator("#question-label")).to_have_text(f"Question {number + 1} of 3")
    expect(page.locator("#completed")).to_be_visible()
    expect(assistant_bodies(page)).to_have_count(4)
    journey.shot(page, "interview-complete")

    # The report: generated in the background, the page reloads itself when it is ready.
    page.get_by_role("link", name="Read your report").click()
    expect(page.get_by_role("heading", name="Scores")).to_be_visible()
    expect(page.locator("main")).to_contain_text("3 of 3 questions answered")
    journey.shot(page, "report")
    assert_no_serious_axe_violations(page, "newcomer: report")
    page.emulate_media(color_scheme="dark")
    journey.shot(page, "report-dark")
    page.emulate_media(color_scheme="light")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download PDF").click()
    pdf = journey.folder / download.value.suggested_filename
    download.value.save_as(pdf)
    text = fitz.open(pdf)[0].get_text()
    assert "Django developer at Hirely" in text and ExportableReport.objects.get().status == "ready"
    fitz.open(pdf)[0].get_pixmap(dpi=80).save(journey.artifact("report-pdf.png"))
