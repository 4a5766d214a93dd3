"""The AI's own report text goes through the check: a flagged report is held for human review, its flagged
text hidden from the candidate (page, API, CSV, PDF) and shown marked to the hiring team."""

from __future__ import annotations

import csv
import io
import json

import pymupdf
import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from interview.fairness.report import REVIEW_NOTICE
from tests.fairness.helpers import seed_library
from tests.fakes.openai_server import FakeResponse
from tests.reports.helpers import generate, make_chat, valid

pytestmark = pytest.mark.django_db
FLAGGED_FEEDBACK = "Good answers, but the candidate seems too old for a fast-moving team."


def _grader(payload: dict) -> FakeResponse:
    return FakeResponse(text=json.dumps(payload), prompt_tokens=900, completion_tokens=200)


@pytest.fixture
def flagged(user, llm):
    seed_library()
    payload = valid(feedback_text=FLAGGED_FEEDBACK)
    payload["question_responses"][1]["feedback"] = "Thorough, though his accent made it slow."
    llm.enqueue(_grader(payload))
    return generate(make_chat(user))


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_report_flagged_by_the_ai_text_is_marked_for_review(flagged):
    assert flagged.status == "ready" and flagged.needs_human_review is True
    assert {(f["term"], f["field"]) for f in flagged.fairness_flags} == {
        ("too old", "feedback_text"),
        ("his accent", "question_responses.1.feedback"),
    }


def test_report_clean_ai_text_is_not_marked(user, llm):
    seed_library()
    llm.enqueue(_grader(valid()))
    report = generate(make_chat(user))
    assert (report.needs_human_review, report.fairness_flags) == (False, [])


def test_report_offline_grader_text_is_checked_too(user, offline_llm):
    seed_library()
    report = generate(make_chat(user, offline=True))
    assert report.needs_human_review is False and report.fairness_flags == []


def test_report_page_hides_flagged_text_from_the_candidate(flagged, user):
    page = _client(user).get(reverse("report_detail", args=[flagged.chat_id])).content.decode()
    assert REVIEW_NOTICE in page
    assert "too old" not in page and "his accent" not in page


def test_report_page_shows_the_hiring_team_the_text_marked(flagged, admin_user):
    page = _client(admin_user).get(reverse("report_detail", args=[flagged.chat_id])).content.decode()
    assert "Held for human review" in page and "<mark>too old</mark>" in page


def test_report_api_hides_flagged_text_from_the_candidate(flagged, user):
    api = APIClient()
    api.force_authenticate(user)
    body = api.get(reverse("api-report", args=[flagged.chat_id])).json()
    assert body["feedback_text"] == REVIEW_NOTICE and body["needs_human_review"] is True
    assert body["question_responses"][1]["feedback"] == REVIEW_NOTICE and "fairness_flags" not in body


def test_report_csv_hides_flagged_text_from_the_candidate(flagged, user):
    content = _client(user).get(reverse("report_csv", args=[flagged.chat_id])).content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(content)))
    assert "his accent" not in content and REVIEW_NOTICE in rows[2]


def test_report_pdf_hides_flagged_text_from_the_candidate(flagged, user):
    content = _client(user).get(reverse("report_pdf", args=[flagged.chat_id])).content
    with pymupdf.open(stream=content, filetype="pdf") as doc:
        text = " ".join(page.get_text() for page in doc).replace("\n", " ")
    assert "too old" not in text and "being reviewed by a person" in text
