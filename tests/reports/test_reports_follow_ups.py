"""Follow-ups in a generated report: question_responses, the AI grader's prompt, CSV, PDF, the page and redaction."""

from __future__ import annotations

import csv
import io
import json

import pymupdf
import pytest
from django.urls import reverse

from interview.models import Chat, ExportableReport
from interview.reports import pdf as reports_pdf
from interview.reports import selectors as sel
from tests.fakes.openai_server import FakeResponse
from tests.reports.helpers import FOLLOW_UPS, QUESTIONS, FollowUp, generate, make_chat, valid

pytestmark = pytest.mark.django_db

SKIPPED = FOLLOW_UPS[1][0]
EXPIRED = FOLLOW_UPS[0][1]
OLD_CSV_HEADER = ["number", "question", "status", "answer", "score_out_of_10", "evidence", "feedback", "scored_by"]


@pytest.fixture
def report(user, offline_llm) -> ExportableReport:
    return generate(make_chat(user, follow_ups=FOLLOW_UPS))


@pytest.fixture
def plain(user, offline_llm) -> ExportableReport:
    return generate(make_chat(user))


def flat(text: str) -> str:
    return " ".join(text.split())


def pdf_text(report: ExportableReport) -> str:
    with pymupdf.open(stream=reports_pdf.render_report_pdf(report), filetype="pdf") as doc:
        return flat(" ".join(page.get_text() for page in doc))


def csv_rows(client, chat, user=None) -> list[list[str]]:
    client.force_login(user or chat.user)
    response = client.get(reverse("report_csv", args=[chat.pk]))
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def page(client, chat, user=None) -> str:
    client.force_login(user or chat.user)
    return flat(client.get(reverse("report_detail", args=[chat.pk])).content.decode())


# --- question_responses -----------------------------------------------------------------------


def test_question_responses_carry_follow_ups_of_each_key_question(report):
    assert [[f["question"] for f in item["follow_ups"]] for item in report.question_responses] == [
        [f.question for f in FOLLOW_UPS[0]],
        [f.question for f in FOLLOW_UPS[1]],
        [],
    ]


def test_question_responses_follow_ups_carry_status_source_and_asker(report):
    follow_ups = [f for item in report.question_responses for f in item["follow_ups"]]
    assert [(f["status"], f["source"], f["asked_by"]) for f in follow_ups] == [
        ("answered", "ai", None),
        ("expired", "offline", None),
        ("skipped", "observer", "Ada Lovelace"),
        ("answered", "offline", None),
    ]


def test_question_responses_follow_ups_carry_answers(report):
    follow_ups = [f for item in report.question_responses for f in item["follow_ups"]]
    assert [(f["answer"], f["answer_seconds"]) for f in follow_ups] == [
        (FOLLOW_UPS[0][0].answer, 12.5),
        ("", None),
        ("", None),
        (FOLLOW_UPS[1][1].answer, 12.5),
    ]


def test_question_responses_keep_their_spec_fields(report):
    assert set(report.question_responses[0]) >= {"question", "answer", "score", "feedback"}


def test_report_totals_count_key_questions_only(report):
    assert (report.total_questions_asked, report.total_responses_given) == (3, 2)


def test_report_api_returns_follow_ups(client, report):
    client.force_login(report.chat.user)
    body = client.get(f"/api/chats/{report.chat_id}/report/").json()
    assert body["question_responses"][1]["follow_ups"][0]["status"] == "skipped"


# --- the AI grader ----------------------------------------------------------------------------


def grader_answer(payload: dict) -> FakeResponse:
    return FakeResponse(text=json.dumps(payload), prompt_tokens=900, completion_tokens=200)


def test_ai_grading_prompt_carries_follow_ups(user, llm):
    llm.enqueue(grader_answer(valid()))
    generate(make_chat(user, follow_ups=FOLLOW_UPS))
    prompt = llm.requests[0]["messages"][1]["content"]
    assert "<<<BEGIN FOLLOW UP 0 1 " in prompt and "<<<BEGIN FOLLOW UP ANSWER 0 1 " in prompt


def test_ai_grading_accepts_evidence_from_a_follow_up_answer(user, llm):
    first = {"index": 0, "score": 8, "feedback": "Precise.", "evidence": "django-debug-toolbar showed 400 queries"}
    payload = valid()
    payload["question_responses"] = [first, *payload["question_responses"][1:]]
    llm.enqueue(grader_answer(payload))
    report = generate(make_chat(user, follow_ups=FOLLOW_UPS))
    assert (report.status, report.question_responses[0]["evidence"]) == (
        "ready",
        "django-debug-toolbar showed 400 queries",
    )


def test_ai_grading_stores_follow_ups(user, llm):
    llm.enqueue(grader_answer(valid()))
    report = generate(make_chat(user, follow_ups=FOLLOW_UPS))
    assert [f["status"] for f in report.question_responses[0]["follow_ups"]] == ["answered", "expired"]


# --- CSV --------------------------------------------------------------------------------------


def test_csv_has_a_row_per_follow_up_after_its_key_question(client, report):
    rows = [row[0] for row in csv_rows(client, report.chat)[1:] if row[0] != "criterion"]
    assert rows == ["1", "1.1", "1.2", "2", "2.1", "2.2", "3"]


def test_csv_keeps_old_columns_and_adds_follow_up_columns_at_the_end(client, report):
    assert csv_rows(client, report.chat)[0][:11] == [*OLD_CSV_HEADER, "follow_up_of", "source", "asked_by"]


def test_csv_follow_up_row_names_its_key_question_status_and_asker(client, report):
    row = csv_rows(client, report.chat)[5]
    assert (row[1], row[2], row[3], row[8], row[9], row[10]) == (
        SKIPPED.question,
        "skipped",
        "",
        "2",
        "observer",
        "Ada Lovelace",
    )


def test_csv_follow_up_row_has_no_score_of_its_own(client, report):
    row = csv_rows(client, report.chat)[3]
    assert (row[2], row[4], row[5], row[6]) == ("expired", "", "", "")


def test_csv_key_question_row_leaves_follow_up_columns_empty(client, report):
    assert csv_rows(client, report.chat)[1][8:11] == ["", "", ""]


def test_csv_without_follow_ups_keeps_the_same_columns(client, plain):
    rows = [row for row in csv_rows(client, plain.chat) if row[0] != "criterion"]
    assert rows[0][:11] == [*OLD_CSV_HEADER, "follow_up_of", "source", "asked_by"]
    assert [row[0] for row in rows[1:]] == ["1", "2", "3"] and all(row[8:11] == ["", "", ""] for row in rows[1:])


def test_csv_neutralises_formulas_in_follow_up_answers(client, user, offline_llm):
    chat = make_chat(user, follow_ups={0: (FollowUp("Why?", "=HYPERLINK(1) because it was faster."),)})
    generate(chat)
    assert csv_rows(client, chat)[2][3].startswith("'=HYPERLINK")


# --- PDF --------------------------------------------------------------------------------------


def test_pdf_shows_every_follow_up_question(report):
    text = pdf_text(report)
    assert all(f.question in text for follow_ups in FOLLOW_UPS.values() for f in follow_ups)


def test_pdf_shows_follow_up_answers(report):
    assert FOLLOW_UPS[0][0].answer in pdf_text(report)


def test_pdf_shows_who_asked_each_follow_up(report):
    text = pdf_text(report)
    assert (
        "Follow-up 1.1 · asked by the AI interviewer" in text
        and "Follow-up 1.2 · asked by the offline interviewer's rule" in text
        and "Follow-up 2.1 · asked by Ada Lovelace (hiring team)" in text
    )


def test_pdf_shows_skipped_and_expired_follow_ups_as_not_held_against(report):
    text = pdf_text(report)
    assert (
        "No answer (time ran out): not held against the candidate." in text
        and "No answer (skipped): not held against the candidate." in text
    )


def test_pdf_shows_follow_up_under_its_key_question(report):
    text = pdf_text(report)
    assert text.index(QUESTIONS[0]) < text.index(FOLLOW_UPS[0][0].question) < text.index(QUESTIONS[1])


def test_pdf_without_follow_ups_mentions_none(plain):
    assert "Follow-up" not in pdf_text(plain)


# --- the report page --------------------------------------------------------------------------


def test_report_page_shows_follow_ups_under_their_key_question(client, report):
    html = page(client, report.chat)
    assert html.index(QUESTIONS[0]) < html.index(FOLLOW_UPS[0][0].question) < html.index(QUESTIONS[1])


def test_report_page_shows_who_asked_each_follow_up(client, report):
    html = page(client, report.chat)
    assert (
        "Follow-up 1.1 · asked by the AI interviewer" in html
        and "Follow-up 1.2 · asked by the offline interviewer&#x27;s rule" in html
        and "Follow-up 2.1 · asked by Ada Lovelace (hiring team)" in html
    )


def test_report_page_shows_skipped_and_expired_follow_ups_as_such(client, report):
    html = page(client, report.chat)
    assert (
        "No answer (time ran out): not held against the candidate." in html
        and "No answer (skipped): not held against the candidate." in html
    )


def test_report_page_shows_follow_up_answers(client, report):
    assert FOLLOW_UPS[1][1].answer in page(client, report.chat)


def test_report_page_escapes_follow_ups(client, user, offline_llm):
    chat = make_chat(user, follow_ups={0: (FollowUp("<script>alert(1)</script>?", "<b>bold</b> answer"),)})
    generate(chat)
    html = page(client, chat)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;?" in html and "<b>bold</b>" not in html


def test_report_page_without_follow_ups_has_no_follow_up_list(client, plain):
    html = page(client, plain.chat)
    assert 'class="follow-ups"' not in html and "Follow-up" not in html


# --- redaction --------------------------------------------------------------------------------


@pytest.fixture
def hidden_follow_up(user, offline_llm) -> Chat:
    """A report whose never-asked last key question somehow carries a follow-up."""
    chat = make_chat(user)
    chat.key_questions.append({"question": "Secret question?", "time_limit": 180, "status": "pending"})
    chat.save()
    report = generate(chat)
    items = report.question_responses
    items[3]["follow_ups"] = [
        {"number": 1, "question": "Secret follow-up?", "answer": "", "source": "ai", "asked_by": None}
        | {"status": "asked", "answer_seconds": None}
    ]
    ExportableReport.objects.filter(pk=report.pk).update(question_responses=items)
    return Chat.objects.get(pk=chat.pk)


def test_report_redacted_drops_follow_ups_of_hidden_questions(hidden_follow_up):
    shown = sel.report_redacted(hidden_follow_up.exportablereport, frozenset({3}))
    assert shown.question_responses[3]["follow_ups"] == []


def test_report_page_hides_follow_ups_of_hidden_questions_from_candidate(client, hidden_follow_up):
    assert "Secret follow-up?" not in page(client, hidden_follow_up)


def test_report_csv_hides_follow_ups_of_hidden_questions_from_candidate(client, hidden_follow_up):
    assert "Secret follow-up?" not in str(csv_rows(client, hidden_follow_up))


def test_report_pdf_hides_follow_ups_of_hidden_questions_from_candidate(client, hidden_follow_up):
    client.force_login(hidden_follow_up.user)
    content = client.get(reverse("report_pdf", args=[hidden_follow_up.pk])).content
    with pymupdf.open(stream=content, filetype="pdf") as doc:
        assert "Secret follow-up?" not in " ".join(p.get_text() for p in doc)


def test_report_redacted_keeps_follow_ups_of_asked_questions(report):
    shown = sel.report_redacted(report, frozenset({2}))
    assert len(shown.question_responses[0]["follow_ups"]) == 2
