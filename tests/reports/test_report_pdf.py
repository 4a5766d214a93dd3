"""The report PDF, read back with PyMuPDF: names in any script, every question and score, escaped text, fonts, cache."""

from __future__ import annotations

import os

import pymupdf
import pytest

from interview.models import ExportableReport
from interview.reports import pdf as reports_pdf
from tests.factories import UserFactory
from tests.reports.helpers import QUESTIONS, generate, make_chat

pytestmark = pytest.mark.django_db

HOSTILE = "I wrote <b>bold</b> claims & then <script>alert('x')</script> in my answer, for example in Django templates."


@pytest.fixture
def report(offline_llm) -> ExportableReport:
    candidate = UserFactory(username="lilei", first_name="李雷", last_name="")
    return generate(make_chat(candidate, answers=(HOSTILE, "Zoë Łukasiewicz reviewed the trade-offs with me.", None)))


def pdf_text(content: bytes) -> str:
    with pymupdf.open(stream=content, filetype="pdf") as doc:
        return "\n".join(page.get_text() for page in doc)


def pdf_fonts(content: bytes) -> list[tuple]:
    with pymupdf.open(stream=content, filetype="pdf") as doc:
        return [font for page in doc for font in page.get_fonts()]


def flat(text: str) -> str:
    return " ".join(text.split())


def test_pdf_contains_candidate_name_in_chinese(report):
    assert "李雷" in pdf_text(reports_pdf.render_report_pdf(report))


def test_pdf_contains_latin_extended_text(report):
    assert "Zoë Łukasiewicz" in flat(pdf_text(reports_pdf.render_report_pdf(report)))


def test_pdf_contains_every_question(report):
    text = flat(pdf_text(reports_pdf.render_report_pdf(report)))
    assert all(question in text for question in QUESTIONS)


def test_pdf_contains_every_category_score(report):
    text = pdf_text(reports_pdf.render_report_pdf(report))
    scores = [report.professionalism_score, report.subject_knowledge_score, report.clarity_score, report.overall_score]
    assert all(f"{score}/100" in text for score in scores)


def test_pdf_contains_every_question_score(report):
    text = pdf_text(reports_pdf.render_report_pdf(report))
    assert all(f"{item['score']}/10" in text for item in report.question_responses)


def test_pdf_renders_markup_in_answers_as_text(report):
    text = flat(pdf_text(reports_pdf.render_report_pdf(report)))
    assert "<b>bold</b> claims & then <script>alert('x')</script>" in text


def test_pdf_embeds_fallback_font(report):
    names = [font[3] for font in pdf_fonts(reports_pdf.render_report_pdf(report))]
    assert any("Droid" in name for name in names)


def test_pdf_fonts_are_embedded_truetype(report):
    fonts = pdf_fonts(reports_pdf.render_report_pdf(report))
    assert fonts and all(font[1] == "ttf" for font in fonts)


def test_pdf_numbers_its_pages(report):
    text = pdf_text(reports_pdf.render_report_pdf(report))
    assert "Page 1 of " in text


def test_pdf_labels_offline_scores(report):
    assert "offline rubric, not AI judgement" in pdf_text(reports_pdf.render_report_pdf(report))


def test_pdf_title_block_names_type_and_difficulty(report):
    text = pdf_text(reports_pdf.render_report_pdf(report))
    assert "General" in text and "6/10" in text


def test_pdf_long_answer_splits_across_pages(offline_llm, user):
    long_answer = "This sentence describes the design in detail. " * 400
    content = reports_pdf.render_report_pdf(generate(make_chat(user, answers=(long_answer, long_answer, long_answer))))
    with pymupdf.open(stream=content, filetype="pdf") as doc:
        assert doc.page_count >= 2


def test_markup_escapes_reportlab_tags():
    assert reports_pdf.markup("<b>&</b>") == "&lt;b&gt;&amp;&lt;/b&gt;"


def test_markup_wraps_cjk_in_fallback_font():
    assert reports_pdf.markup("Hi 李雷") == f'Hi <font name="{reports_pdf.FALLBACK_FONT}">李雷</font>'


def test_markup_keeps_line_breaks():
    assert reports_pdf.markup("a\nb") == "a<br/>b"


def test_markup_drops_control_characters():
    assert reports_pdf.markup("a\x00b\x1bc") == "abc"


def test_pdf_bytes_caches_file(report):
    reports_pdf.report_pdf_bytes(report)
    report.refresh_from_db()
    assert (report.pdf_generated, report.pdf_version, report.pdf_file.name) == (
        True,
        report.version,
        f"reports/report-{report.chat_id}-v{report.version}.pdf",
    )


def test_pdf_bytes_reuses_cached_file(report, monkeypatch):
    reports_pdf.report_pdf_bytes(report)
    report.refresh_from_db()
    monkeypatch.setattr(reports_pdf, "render_report_pdf", lambda report: pytest.fail("drawn again"))
    assert reports_pdf.report_pdf_bytes(report).startswith(b"%PDF")


def test_pdf_bytes_redraws_after_regeneration(report, django_capture_on_commit_callbacks):
    reports_pdf.report_pdf_bytes(report)
    report.refresh_from_db()
    old_path = report.pdf_file.path
    with django_capture_on_commit_callbacks(execute=True):
        regenerated = generate(report.chat)
    reports_pdf.report_pdf_bytes(regenerated)
    regenerated.refresh_from_db()
    assert (regenerated.pdf_version, os.path.exists(old_path)) == (2, False)


def test_pdf_bytes_redraws_missing_file(report):
    reports_pdf.report_pdf_bytes(report)
    report.refresh_from_db()
    os.remove(report.pdf_file.path)
    assert reports_pdf.report_pdf_bytes(report).startswith(b"%PDF")
