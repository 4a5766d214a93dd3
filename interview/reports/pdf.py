"""The PDF of a report, drawn with reportlab, and the cached copy kept in `pdf_file` while the report is unchanged.

Fonts: reportlab's bundled Bitstream Vera for the text it covers (Latin-1 and a little more), and
Droid Sans Fallback for every other character (Latin Extended, Greek, Cyrillic, CJK, Hangul). Droid Sans
Fallback (Apache License 2.0, 3.5 MB, TrueType glyf outlines, which reportlab can embed) is read from
PyMuPDF's built-in fonts, `pymupdf.Font("cjk").buffer`, so nothing is vendored or installed beyond
requirements.txt; settings.REPORT_PDF_FALLBACK_FONT may name another .ttf file instead. Only the glyphs
used are embedded. All text from users or the model goes through `markup()`, which escapes it for
reportlab's paragraph markup and wraps the runs Vera lacks in <font name="ReportFallback">.

The PDF holds nothing viewer-specific (no observer notes, no review feedback), so one cached file
serves every viewer; it is valid while `pdf_version == version`. The one exception: overridden scores
read "AI 7 → 5 (reason)" for the hiring team, so the candidate's PDF is drawn uncached from their copy.
"""

from __future__ import annotations

import io
import logging
import os
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from xml.sax.saxutils import escape

import reportlab
from django.conf import settings
from django.core.files.base import ContentFile
from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from interview.models import ExportableReport
from interview.reports.selectors import (
    SCORE_FIELDS,
    candidate_name,
    criterion_rows,
    overrides_in_force,
    question_rows,
    scored_by,
)
from interview.reports.timing import accommodation_note

logger = logging.getLogger(__name__)

BASE_FONT = "ReportSans"
BOLD_FONT = "ReportSans-Bold"
FALLBACK_FONT = "ReportFallback"
ANSWER_MAX_CHARS = 2000
ACCENT = colors.HexColor("#2f5bd3")
MUTED = colors.HexColor("#5f6b7a")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


@dataclass(frozen=True)
class Fonts:
    """The registered font names and the characters the base font can draw."""

    base_chars: frozenset[int]
    fallback_chars: frozenset[int]


@lru_cache(maxsize=1)
def fonts() -> Fonts:
    """Register the report fonts once per process and return their coverage."""
    folder = os.path.join(os.path.dirname(reportlab.__file__), "fonts")
    base = TTFont(BASE_FONT, os.path.join(folder, "Vera.ttf"))
    pdfmetrics.registerFont(base)
    pdfmetrics.registerFont(TTFont(BOLD_FONT, os.path.join(folder, "VeraBd.ttf")))
    pdfmetrics.registerFontFamily(BASE_FONT, normal=BASE_FONT, bold=BOLD_FONT, italic=BASE_FONT, boldItalic=BOLD_FONT)
    fallback = _fallback_font()
    if fallback is not None:
        pdfmetrics.registerFont(fallback)
    return Fonts(
        base_chars=frozenset(base.face.charToGlyph),
        fallback_chars=frozenset(fallback.face.charToGlyph) if fallback is not None else frozenset(),
    )


def _fallback_font() -> TTFont | None:
    path = settings.REPORT_PDF_FALLBACK_FONT
    try:
        if path:
            return TTFont(FALLBACK_FONT, path)
        import pymupdf

        return TTFont(FALLBACK_FONT, io.BytesIO(pymupdf.Font("cjk").buffer))
    except Exception:
        logger.warning("No fallback font for report PDFs: non-Latin text will not render", exc_info=True)
        return None


def markup(text: Any) -> str:
    """Escape text for reportlab's paragraph markup, keep its line breaks, and switch font for characters Vera lacks."""
    covered = fonts()
    clean = _CONTROL.sub("", "" if text is None else str(text)).replace("\r\n", "\n").replace("\r", "\n")
    parts: list[str] = []
    run: list[str] = []
    run_fallback = False
    for char in clean:
        code = ord(char)
        fallback = char != "\n" and code not in covered.base_chars and code in covered.fallback_chars
        if run and fallback != run_fallback:
            parts.append(_run(run, run_fallback))
            run = []
        run_fallback = fallback
        run.append(char)
    if run:
        parts.append(_run(run, run_fallback))
    return "".join(parts)


def _run(chars: list[str], fallback: bool) -> str:
    text = escape("".join(chars)).replace("\n", "<br/>")
    return f'<font name="{FALLBACK_FONT}">{text}</font>' if fallback else text


# --- the document -----------------------------------------------------------------------------


def _styles() -> dict[str, ParagraphStyle]:
    fonts()
    body = ParagraphStyle("body", fontName=BASE_FONT, fontSize=9.5, leading=13)
    return {
        "body": body,
        "title": ParagraphStyle("title", parent=body, fontName=BOLD_FONT, fontSize=18, leading=23, spaceAfter=4),
        "h2": ParagraphStyle(
            "h2", parent=body, fontName=BOLD_FONT, fontSize=12.5, leading=16, spaceBefore=10, spaceAfter=5
        ),
        "small": ParagraphStyle("small", parent=body, fontSize=8, leading=10.5, textColor=MUTED),
        "cell": ParagraphStyle("cell", parent=body, fontSize=8.5, leading=11),
        "head": ParagraphStyle(
            "head", parent=body, fontName=BOLD_FONT, fontSize=8.5, leading=11, textColor=colors.white
        ),
        "score": ParagraphStyle("score", parent=body, fontName=BOLD_FONT, fontSize=10, alignment=TA_RIGHT),
        "warn": ParagraphStyle("warn", parent=body, textColor=colors.HexColor("#8a5a00"), fontName=BOLD_FONT),
        # A follow-up, indented under its key question's answer.
        "follow_up_head": ParagraphStyle(
            "follow_up_head", parent=body, fontSize=8, leading=10.5, leftIndent=8, textColor=ACCENT
        ),
        "follow_up": ParagraphStyle("follow_up", parent=body, fontSize=8.5, leading=11, leftIndent=8),
        "follow_up_answer": ParagraphStyle(
            "follow_up_answer", parent=body, fontSize=8, leading=10.5, leftIndent=8, textColor=MUTED
        ),
    }


def render_report_pdf(report: ExportableReport) -> bytes:
    """Draw the report's PDF: title block, scores with a chart, the per-question table and the feedback."""
    styles = _styles()
    chat = report.chat
    offline = report.is_offline
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=18 * mm,
        title=f"Interview report: {chat.title}",
        author="Active Interview",
        # Otherwise every page lists Helvetica, a font that is not embedded.
        initialFontName=BASE_FONT,
    )
    story: list[Any] = [Paragraph("Interview report", styles["title"]), _title_block(report, styles)]
    label = f"Scored by: {scored_by(report)}"
    story += [Spacer(1, 6), Paragraph(markup(label), styles["warn" if offline else "small"])]
    story += [Paragraph("Scores (0-100)", styles["h2"]), _score_chart(report)]
    story += _criteria_parts(report, styles, doc.width)
    story += _override_parts(report, styles)
    story += [
        Paragraph("Feedback", styles["h2"]),
        Paragraph(markup(report.feedback_text or "No feedback."), styles["body"]),
    ]
    story += [Paragraph("Questions", styles["h2"]), _question_table(report, styles, doc.width)]
    doc.build(story, canvasmaker=_footer_canvas(offline))
    return buffer.getvalue()


def _title_block(report: ExportableReport, styles: dict[str, ParagraphStyle]) -> Table:
    chat = report.chat
    when = timezone.localtime(chat.started_at or chat.created_at)
    duration = report.interview_duration_minutes
    rows = [
        ("Candidate", candidate_name(chat)),
        ("Interview", chat.title),
        ("Date", f"{when:%d %B %Y, %H:%M %Z}"),
        ("Type", chat.get_type_display()),
        ("Difficulty", f"{chat.difficulty}/10"),
        ("Answers", f"{report.total_responses_given} answered of {report.total_questions_asked} questions asked"),
        ("Duration", f"{duration} minutes" if duration is not None else "unknown"),
        *([("Accommodation", note)] if (note := accommodation_note(chat)) else []),
        ("Report", f"version {report.version}, generated {timezone.localtime(report.generated_at):%d %B %Y %H:%M}"),
    ]
    data = [[Paragraph(markup(k), styles["small"]), Paragraph(markup(v), styles["body"])] for k, v in rows]
    table = Table(data, colWidths=[28 * mm, None], hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), BASE_FONT),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )
    return table


class ScoreBars(Flowable):
    """A horizontal bar chart of the four scores (0-100), drawn with the report's own fonts."""

    ROW = 7 * mm

    def __init__(self, rows: list[tuple[str, int | None]], *, offline: bool) -> None:
        super().__init__()
        self.rows = rows
        self.offline = offline

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width = available_width
        return available_width, self.ROW * len(self.rows) + 3 * mm

    def draw(self) -> None:
        canvas = self.canv
        label_width, value_width = 36 * mm, 34 * mm
        bar_width = self.width - label_width - value_width
        for number, (label, value) in enumerate(self.rows):
            y = self.ROW * (len(self.rows) - number - 1) + 3 * mm
            bold = number == len(self.rows) - 1
            canvas.setFont(BOLD_FONT if bold else BASE_FONT, 9.5)
            canvas.setFillColor(colors.black)
            canvas.drawString(0, y + 1.5 * mm, label)
            canvas.setFillColor(colors.HexColor("#e6e9f0"))
            canvas.rect(label_width, y, bar_width, 5 * mm, stroke=0, fill=1)
            canvas.setFillColor(colors.HexColor("#8c99b8") if self.offline else ACCENT)
            canvas.rect(label_width, y, bar_width * (value or 0) / 100, 5 * mm, stroke=0, fill=1)
            canvas.setFillColor(colors.black)
            shown = "n/a" if value is None else f"{value}/100" + (" (offline)" if self.offline else "")
            canvas.drawString(label_width + bar_width + 3 * mm, y + 1.5 * mm, shown)


def _score_chart(report: ExportableReport) -> ScoreBars:
    rows = [(label, getattr(report, f"{key}_score")) for key, label in SCORE_FIELDS]
    return ScoreBars(rows, offline=report.is_offline)


def _criteria_parts(report: ExportableReport, styles: dict[str, ParagraphStyle], width: float) -> list[Any]:
    """The rubric criteria: name, weight, 0-100 score with its 1-5 band, evidence and feedback (none: nothing)."""
    rows = criterion_rows(report)
    if not rows:
        return []
    suffix = " (offline)" if report.is_offline else ""
    cell, small = styles["cell"], styles["small"]
    data: list[list[Any]] = [
        [Paragraph(h, styles["head"]) for h in ("Criterion", "Weight", "Score", "Evidence and feedback")]
    ]
    for c in rows:
        band = f" · band {c['band']}/5" if c.get("band") else ""
        evidence = c.get("evidence") or ""
        data.append(
            [
                Paragraph(f"<b>{markup(c.get('name'))}</b>", cell),
                Paragraph(f"{c['weight_percent']}%", cell),
                Paragraph(f"<b>{c.get('score', 'n/a')}/100</b>{band}{suffix}", cell),
                ([Paragraph("Evidence: “" + markup(evidence) + "”", small), Spacer(1, 2)] if evidence else [])
                + [Paragraph(markup(c.get("feedback")), cell)],
            ]
        )
    table = Table(data, colWidths=[width * 0.25, 19 * mm, 30 * mm, None], repeatRows=1, splitInRow=1)
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), BASE_FONT),
                ("BACKGROUND", (0, 0), (-1, 0), ACCENT),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("GRID", (0, 0), (-1, -1), 0.25, colors.lightgrey),
            ]
        )
    )
    note = "Overall is the weighted mean of these criteria; bands: 0-19 is 1, 20-39 is 2, 40-59 is 3, 60-79 is 4, 80-100 is 5."
    return [Paragraph("Rubric criteria", styles["h2"]), table, Spacer(1, 2), Paragraph(note, small)]


def _question_table(report: ExportableReport, styles: dict[str, ParagraphStyle], width: float) -> Any:
    items = report.question_responses
    if not items:
        return Paragraph("This interview had no key questions.", styles["body"])
    suffix = " (offline)" if report.is_offline else ""
    cell, small = styles["cell"], styles["small"]
    data: list[list[Any]] = [
        [Paragraph(h, styles["head"]) for h in ("#", "Question and answer", "Score", "Feedback and evidence")]
    ]
    for item in question_rows(report):
        answer = _shortened(item.get("answer"))
        evidence = item.get("evidence") or ""
        data.append(
            [
                Paragraph(str(item["number"]), cell),
                [
                    Paragraph(f"<b>{markup(item.get('question'))}</b>", cell),
                    *([Paragraph(markup(item["answer_time"].capitalize()), small)] if item["answer_time"] else []),
                    Spacer(1, 3),
                    Paragraph(markup(answer) if answer.strip() else "<i>No answer.</i>", small),
                ]
                + [part for follow_up in item["follow_ups"] for part in _follow_up_parts(follow_up, styles)],
                [
                    Paragraph(
                        "<b>not scored</b> (skipped)"
                        if item.get("status") == "skipped" and not answer.strip()
                        else _question_score(item, suffix),
                        cell,
                    )
                ]
                + ([Paragraph(markup(item["override_label"]), small)] if item["override_label"] else []),
                [Paragraph(markup(item.get("feedback")), cell)]
                + ([Spacer(1, 3), Paragraph("Evidence: “" + markup(evidence) + "”", small)] if evidence else []),
            ]
        )
    table = Table(data, colWidths=[8 * mm, width * 0.45, 20 * mm, None], repeatRows=1, splitInRow=1)
    table.setStyle(
        TableStyle(
            [
                # Cells are Paragraphs; the table's own font would otherwise be an unembedded Helvetica.
                ("FONTNAME", (0, 0), (-1, -1), BASE_FONT),
                ("BACKGROUND", (0, 0), (-1, 0), ACCENT),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("GRID", (0, 0), (-1, -1), 0.25, colors.lightgrey),
                ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.HexColor("#f4f6fa")]),
            ]
        )
    )
    return table


def _question_score(item: dict[str, Any], suffix: str) -> str:
    return "<i>under review</i>" if item.get("under_review") else f"<b>{item.get('score', 0)}/10</b>{suffix}"


def _override_parts(report: ExportableReport, styles: dict[str, ParagraphStyle]) -> list[Any]:
    """The scores a person overrode, each as "AI 7 → 5 (reason)" (none in the candidate's copy)."""
    rows = overrides_in_force(report)
    if not rows:
        return []
    parts: list[Any] = [Paragraph("Score overrides", styles["h2"])]
    parts += [Paragraph(markup(f"{row['target']}: {row['label']}"), styles["body"]) for row in rows]
    return parts


def _shortened(text: Any) -> str:
    answer = str(text or "")
    return answer[:ANSWER_MAX_CHARS] + " … (shortened)" if len(answer) > ANSWER_MAX_CHARS else answer


def _follow_up_parts(follow_up: dict[str, Any], styles: dict[str, ParagraphStyle]) -> list[Any]:
    """A follow-up under its key question: who asked it, the question, and the answer or why there is none."""
    head = f"Follow-up {markup(follow_up['label'])} · {markup(follow_up['asker'])}"
    if follow_up["answered"]:
        answer = markup(_shortened(follow_up.get("answer")))
    else:
        answer = f"<i>No answer ({markup(follow_up['status_label'])}): not held against the candidate.</i>"
    return [
        Spacer(1, 5),
        Paragraph(head, styles["follow_up_head"]),
        Paragraph(f"<b>{markup(follow_up.get('question'))}</b>", styles["follow_up"]),
        *(
            [Paragraph(markup(follow_up["answer_time"].capitalize()), styles["follow_up"])]
            if follow_up["answer_time"]
            else []
        ),
        Spacer(1, 2),
        Paragraph(answer, styles["follow_up_answer"]),
    ]


def _footer_canvas(offline: bool) -> type[Canvas]:
    """A canvas that numbers pages "Page n of N" once the page count is known."""
    note = "Scores: offline rubric, not AI judgement" if offline else "Scores: AI judgement; overall is a weighted mean"

    class FooterCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:
            self._pages.append(dict(self.__dict__))
            self._startPage()  # type: ignore[attr-defined]  # reportlab's own, absent from its stubs

        def save(self) -> None:
            for state in self._pages:
                self.__dict__.update(state)
                self.setFont(BASE_FONT, 7.5)
                self.setFillColor(MUTED)
                self.drawString(18 * mm, 10 * mm, f"Active Interview · {note}")
                self.drawRightString(A4[0] - 18 * mm, 10 * mm, f"Page {self.getPageNumber()} of {len(self._pages)}")
                super().showPage()
            super().save()

    return FooterCanvas


# --- the cached file --------------------------------------------------------------------------


def report_pdf_bytes(report: ExportableReport) -> bytes:
    """The report's PDF: the cached file while it matches the report's version, else a fresh one (then cached)."""
    if report.pdf_generated and report.pdf_version == report.version and report.pdf_file:
        try:
            with report.pdf_file.open("rb") as handle:
                return handle.read()
        except FileNotFoundError:
            logger.warning("Cached PDF of report %s is missing; drawing it again", report.pk)
    content = render_report_pdf(report)
    _cache(report, content)
    return content


def _cache(report: ExportableReport, content: bytes) -> None:
    """Store the PDF and point the report at it, unless the report changed meanwhile."""
    storage = report.pdf_file.storage
    old = report.pdf_file.name
    name = storage.save(f"reports/report-{report.chat_id}-v{report.version}.pdf", ContentFile(content))
    updated = ExportableReport.objects.filter(pk=report.pk, version=report.version).update(
        pdf_generated=True, pdf_file=name, pdf_version=report.version
    )
    if not updated:
        storage.delete(name)
        return
    if old and old != name:
        storage.delete(old)
    report.pdf_generated, report.pdf_version = True, report.version
    report.pdf_file.name = name
