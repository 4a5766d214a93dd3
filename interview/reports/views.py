"""Report pages and exports (PDF, CSV) and regeneration."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping
from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from interview.accounts.permissions import is_interviewer
from interview.audit.services import audit_report_read
from interview.core.errors import ErrorCode, ServiceError
from interview.core.ratelimits import REPORT_REGENERATE, rate_limit_hit, rate_limit_page
from interview.fairness.forms import is_fairness_refusal
from interview.models import Chat, ExportableReport
from interview.reports import selectors as sel
from interview.reports.overrides import OverrideRequest, score_override
from interview.reports.pdf import render_report_pdf, report_pdf_bytes
from interview.reports.services import report_regenerate as report_regenerate_service
from interview.reports.timing import accommodation_note
from interview.scoring.gates import blind_gate

WHOLE_NUMBER = re.compile(r"-?\d{1,6}")


def _chat(request: HttpRequest, chat_id: int) -> Chat:
    chat = sel.chat_get_for_report(request.user, chat_id)
    if chat is None:
        raise Http404("No such interview.")
    return chat


def _ready_view(request: HttpRequest, chat: Chat) -> sel.ReportView | None:
    """The viewer's report view if the report has content to export; otherwise None, with a message saying why."""
    view = sel.report_view_get(request.user, chat)
    if not view.has_content:
        messages.error(request, "This report is not ready yet, so there is nothing to download.")
        return None
    return view


def viewer_pdf_bytes(view: sel.ReportView) -> bytes:
    """The PDF as this viewer may read it: the cached file, or a fresh uncached one when questions are left out."""
    shown = cast(ExportableReport, view.shown_report)
    return render_report_pdf(shown) if view.redacts else report_pdf_bytes(cast(ExportableReport, view.report))


def export_filename(report: ExportableReport, extension: str) -> str:
    """An ASCII file name for a report export."""
    return f"interview-report-{report.chat_id}-v{report.version}.{extension}"


def csv_content(report: ExportableReport) -> str:
    """The per-question table as CSV text, with a byte-order mark so spreadsheets read it as UTF-8."""
    buffer = io.StringIO()
    csv.writer(buffer).writerows(sel.report_csv_rows(report))
    return "\ufeff" + buffer.getvalue()


@login_required
@blind_gate
def report_detail(request: HttpRequest, chat_id: int) -> HttpResponse:
    """The report: scores as bars, per-question cards with evidence, feedback, history, and observers' private notes."""
    chat = _chat(request, chat_id)
    return render(request, "reports/detail.html", _detail_context(request, chat))


def _detail_context(request: HttpRequest, chat: Chat, override_draft: dict | None = None) -> dict:
    view = sel.report_view_get(request.user, chat)
    if view.report is not None:
        audit_report_read(request=request, report=view.report, candidate_id=chat.user_id, via="page")
    shown = view.shown_report
    return {
        "view": view,
        "chat": chat,
        "report": view.report,
        "questions": sel.question_rows(shown) if shown is not None and view.has_content else [],
        "scores": sel.score_rows(view.report) if view.report is not None and view.has_content else [],
        "criteria": sel.criterion_rows(shown) if shown is not None and view.has_content else [],
        "scored_by": sel.scored_by(view.report) if view.report else "",
        "can_manage_setup": is_interviewer(request.user),
        "in_force": sel.overrides_in_force(shown) if shown is not None and view.hiring_team else [],
        "override_targets": sel.override_targets(view.report) if view.can_override else [],
        "accommodation_note": accommodation_note(chat),
        "override_draft": override_draft,
        "feedback_text": shown.feedback_text if shown is not None else "",
        "fairness_highlight": sel.fairness_highlight(view),
    }


@login_required
@blind_gate
def report_pdf(request: HttpRequest, chat_id: int) -> HttpResponse:
    """The report as a PDF download (drawn once per report version, then cached)."""
    chat = _chat(request, chat_id)
    view = _ready_view(request, chat)
    if view is None or view.report is None:
        return redirect("report_detail", chat_id=chat.pk)
    report = view.report
    audit_report_read(request=request, report=report, candidate_id=chat.user_id, via="page", exported_as="pdf")
    response = HttpResponse(viewer_pdf_bytes(view), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{export_filename(report, "pdf")}"'
    return response


@login_required
@blind_gate
def report_csv(request: HttpRequest, chat_id: int) -> HttpResponse:
    """The per-question table as a CSV download."""
    chat = _chat(request, chat_id)
    view = _ready_view(request, chat)
    if view is None or view.shown_report is None:
        return redirect("report_detail", chat_id=chat.pk)
    report = view.shown_report
    audit_report_read(
        request=request, report=view.report or report, candidate_id=chat.user_id, via="page", exported_as="csv"
    )
    response = HttpResponse(csv_content(report), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{export_filename(report, "csv")}"'
    return response


@login_required
@require_POST
@blind_gate
def report_regenerate(request: HttpRequest, chat_id: int) -> HttpResponse:
    """Generate the report (again) for those who may; earlier versions' scores are kept in its history."""
    chat = _chat(request, chat_id)
    if (hit := rate_limit_hit(request, REPORT_REGENERATE)) is not None:  # the report page, with the refusal
        messages.error(request, hit.message)
        return rate_limit_page(report_detail(request, chat.pk), hit)
    try:
        report_regenerate_service(chat=chat, user=request.user)
    except ServiceError as exc:
        messages.error(request, exc.message)
        if exc.code == ErrorCode.FORBIDDEN:
            return render(request, "403.html", status=403)
    else:
        messages.success(request, "The report is being generated. This page updates by itself.")
    return redirect("report_detail", chat_id=chat.pk)


def override_request_from_form(data: Mapping[str, str]) -> OverrideRequest:
    """The override form's fields as a request: target "q:<n>" or "c:<key>", a whole-number score and a reason."""
    kind, _, target = (data.get("target") or "").partition(":")
    raw = (data.get("score") or "").strip()
    score: int | str = int(raw) if WHOLE_NUMBER.fullmatch(raw) else raw
    question: int | str | None = None
    if kind == "q":
        question = int(target) if target.isdigit() else target
    return OverrideRequest(
        score=score,
        reason=data.get("reason", ""),
        question=question,
        criterion=target if kind == "c" else None,
        confirm_language=data.get("confirm_language") in ("on", "true", "1"),
    )


@login_required
@require_POST
def report_override(request: HttpRequest, chat_id: int) -> HttpResponse:
    """Override one AI score with a reason (the hiring team); the report gains a version."""
    chat = sel.chat_get_for_override(request.user, chat_id)
    if chat is None:
        raise Http404("No such interview.")
    try:
        override = score_override(chat=chat, user=request.user, request=override_request_from_form(request.POST))
    except ServiceError as exc:
        if is_fairness_refusal(exc):  # the page again, the reason kept, the refusal under it
            draft = {**{k: request.POST.get(k, "") for k in ("target", "score", "reason")}, "error": exc.message,
                     "warning": exc.code == ErrorCode.CONFIRM_LANGUAGE}  # fmt: skip
            return render(request, "reports/detail.html", _detail_context(request, chat, draft), status=400)
        messages.error(request, exc.message)
        if exc.code == ErrorCode.FORBIDDEN:
            return render(request, "403.html", status=403)
    else:
        messages.success(request, f"Score overridden: the report is now version {override.version}.")
    return redirect("report_detail", chat_id=chat.pk)
