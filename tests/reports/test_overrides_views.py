"""Overrides as people see them: "AI 7 → 5 (reason)" on the page, PDF and CSV for the hiring team; the
candidate sees the new value once feedback is published, never who, the AI's value or the reason."""

from __future__ import annotations

import csv
import io

import pymupdf
import pytest
from django.test import Client
from django.urls import reverse

from interview.models import ExportableReport, ScoreOverride
from interview.reports import services as svc
from interview.reports.overrides import OverrideRequest, score_override
from tests.calibration.helpers import scored_report

pytestmark = pytest.mark.django_db
REASON = "Missed the point of the question."
LABEL = f"AI 7 → 5 ({REASON})"


def overridden(**kwargs) -> ExportableReport:
    report = scored_report(**kwargs)
    interviewer = report.chat.invitation.interviewer
    score_override(chat=report.chat, user=interviewer, request=OverrideRequest(score=5, reason=REASON, question=1))
    report.refresh_from_db()
    return report


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def page(user, report) -> str:
    return client_for(user).get(reverse("report_detail", args=[report.chat_id])).content.decode()


def pdf_text(user, report) -> str:
    content = client_for(user).get(reverse("report_pdf", args=[report.chat_id])).content
    with pymupdf.open(stream=content, filetype="pdf") as doc:
        return " ".join(p.get_text() for p in doc).replace("\n", " ")


def csv_rows(user, report) -> list[list[str]]:
    content = client_for(user).get(reverse("report_csv", args=[report.chat_id])).content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(content)))


def test_page_shows_the_override_to_the_interviewer():
    report = overridden()
    html = page(report.chat.invitation.interviewer, report)
    assert LABEL in html and report.chat.invitation.interviewer.username in html


def test_pdf_shows_the_override_to_the_interviewer():
    report = overridden()
    text = pdf_text(report.chat.invitation.interviewer, report)
    assert "AI 7 → 5 (Missed the point" in text and "Score overrides" in text


def test_csv_shows_the_override_to_the_interviewer():
    report = overridden()
    rows = csv_rows(report.chat.invitation.interviewer, report)
    assert rows[0][-1] == "override" and rows[1][4] == "5" and rows[1][-1] == LABEL and rows[2][-1] == ""


def test_candidate_sees_the_new_value_once_published_and_nothing_else():
    report = overridden(published=True)
    candidate = report.chat.user
    html = page(candidate, report)
    assert "<strong>5</strong>/10" in html
    for secret in ("AI 7", REASON, report.chat.invitation.interviewer.username, "Score overrides"):
        assert secret not in html
    assert REASON not in pdf_text(candidate, report) and "AI 7" not in pdf_text(candidate, report)
    rows = csv_rows(candidate, report)
    assert rows[1][4] == "5" and rows[1][-1] == ""


def test_candidate_sees_under_review_before_publication():
    report = overridden()
    html = page(report.chat.user, report)
    assert "under review" in html and "<strong>5</strong>/10" not in html and "AI 7" not in html


def test_candidate_api_hides_the_override():
    report = overridden(published=True)
    client = client_for(report.chat.user)
    body = client.get(f"/api/chats/{report.chat_id}/report/").json()
    assert "overrides" not in body and "override" not in body["question_responses"][0]
    assert body["question_responses"][0]["score"] == 5
    assert body["history"] == []  # version 1 held the AI's 7


def test_candidate_pdf_is_not_the_cached_team_copy():
    report = overridden(published=True)
    pdf_text(report.chat.invitation.interviewer, report)  # caches the team's PDF
    assert "AI 7" not in pdf_text(report.chat.user, report)


def test_page_form_overrides_a_criterion():
    report = scored_report()
    client = client_for(report.chat.invitation.interviewer)
    url = reverse("report_override", args=[report.chat_id])
    response = client.post(url, {"target": "c:clarity", "score": "35", "reason": "Rambled."}, follow=True)
    assert "AI 50 → 35 (Rambled.)" in response.content.decode()
    assert ScoreOverride.objects.get().criterion_key == "clarity"


def test_page_form_without_reason_says_so_and_saves_nothing():
    report = scored_report()
    client = client_for(report.chat.invitation.interviewer)
    url = reverse("report_override", args=[report.chat_id])
    response = client.post(url, {"target": "q:1", "score": "5", "reason": ""}, follow=True)
    assert "a reason is required" in response.content.decode()
    assert ScoreOverride.objects.count() == 0


def test_page_form_by_the_candidate_is_403():
    report = scored_report()
    url = reverse("report_override", args=[report.chat_id])
    response = client_for(report.chat.user).post(url, {"target": "q:1", "score": "10", "reason": "Me."})
    assert response.status_code == 403 and ScoreOverride.objects.count() == 0


def test_page_hides_the_form_from_the_candidate():
    report = scored_report()
    assert 'name="target"' not in page(report.chat.user, report)
    assert 'name="target"' in page(report.chat.invitation.interviewer, report)


@pytest.mark.usefixtures("offline_llm")
def test_regeneration_grades_afresh_and_keeps_the_override_in_history():
    report = overridden()
    svc.report_request(chat=report.chat)
    svc.report_generate(chat_id=report.chat_id)
    report.refresh_from_db()
    assert report.version == 3
    assert not any("override" in q for q in report.question_responses)
    assert ScoreOverride.objects.count() == 1
    html = page(report.chat.invitation.interviewer, report)
    assert "AI 7 → 5 (Missed the point" in html and "no longer applied" in html
