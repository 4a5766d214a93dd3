"""Answer times against the limits the candidate had, with extra time (issue 22): page, PDF, CSV and API."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pymupdf
import pytest
from django.urls import reverse

from interview.interviews.accommodation import key_questions_accommodate
from interview.models import Chat, ExportableReport
from interview.reports import pdf as reports_pdf
from interview.reports.timing import answer_time_label
from tests.reports.helpers import FOLLOW_UPS, generate, make_chat

pytestmark = pytest.mark.django_db


@pytest.fixture
def accommodated(user, offline_llm) -> ExportableReport:
    """A report of an interview with 1.5x time: 180 s key questions ran 270 s (the chat stores the adjusted ones)."""
    chat = make_chat(user, follow_ups=FOLLOW_UPS)
    questions = chat.key_questions
    key_questions_accommodate(questions, Decimal("1.5"))
    for question in questions:
        for follow_up in question.get("follow_ups", []):
            follow_up["time_limit"] = 135
    Chat.objects.filter(pk=chat.pk).update(key_questions=questions, time_multiplier=Decimal("1.5"))
    return generate(Chat.objects.get(pk=chat.pk))


def flat(text: str) -> str:
    return " ".join(text.split())


def test_answer_time_label_reads_against_the_limit():
    assert (answer_time_label(40.0, 270), answer_time_label(None, 90), answer_time_label(3, None)) == (
        "answered in 40 s of 4:30 min",
        "limit 90 s",
        "",
    )


def test_report_page_shows_answer_times_against_adjusted_limits(client, accommodated):
    client.force_login(accommodated.chat.user)
    page = flat(client.get(reverse("report_detail", args=[accommodated.chat.pk])).content.decode())
    assert "Answered in 40 s of 4:30 min" in page and "Answered in 12.5 s of 2:15 min" in page
    assert "Accommodation: extra time applied (1.5×)" in page


def test_report_pdf_shows_answer_times_and_the_accommodation(accommodated):
    with pymupdf.open(stream=reports_pdf.render_report_pdf(accommodated), filetype="pdf") as doc:
        text = flat(" ".join(page.get_text() for page in doc))
    assert "Answered in 40 s of 4:30 min" in text and "extra time applied (1.5×)" in text


def test_report_csv_has_answer_time_limit_and_extra_time(client, accommodated):
    client.force_login(accommodated.chat.user)
    content = client.get(reverse("report_csv", args=[accommodated.chat.pk])).content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(content)))
    columns = [rows[0].index(name) for name in ("answer_seconds", "time_limit_seconds", "extra_time")]
    assert [rows[1][c] for c in columns] == ["40.0", "270", "1.5×"]
    assert [rows[2][c] for c in columns] == ["12.5", "135", "1.5×"]  # its first follow-up


def test_report_api_lists_answer_times(client, accommodated):
    client.force_login(accommodated.chat.user)
    body = client.get(f"/api/chats/{accommodated.chat.pk}/report/").json()
    assert body["time_multiplier"] == "1.50"
    assert body["answer_times"][0]["time_limit"] == 270 and body["answer_times"][0]["answer_seconds"] == 40.0


def test_report_without_accommodation_has_no_note(client, user, offline_llm):
    report = generate(make_chat(user))
    client.force_login(user)
    page = flat(client.get(reverse("report_detail", args=[report.chat.pk])).content.decode())
    assert "Answered in 40 s of 3:00 min" in page and "extra time applied" not in page
