"""REST API for interview reports: read (JSON), PDF and CSV exports, and (re)generation.

Only the chat's owner and the interviewers and admins allowed to observe it may see a report; for anyone
else the chat is a 404. A panelist who has not submitted their scorecard gets 403 `scores_hidden` on every
route (interview/scoring/blind.py). Observers also get the private observer notes and the review feedback; the
candidate gets review feedback once it is published.
"""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpResponse
from django.urls import reverse
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from interview.core.errors import ErrorCode, ServiceError
from interview.models import Chat
from interview.reports import selectors as sel
from interview.reports.services import ReportCooldown, report_regenerate
from interview.reports.views import csv_content, export_filename, viewer_pdf_bytes
from interview.scoring.blind import scores_hidden_from

NOT_READY = "This report is not ready yet."
SCORES_HIDDEN = "Submit your scorecard first: the AI's scores stay hidden from the panel until then."
HIDDEN = OpenApiResponse(description='{"code": "scores_hidden"}: a panelist who has not submitted a scorecard')


class _FileRenderer(BaseRenderer):
    """Lets a client ask for the file's type; errors are still sent as JSON bytes."""

    def render(self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None) -> bytes:
        return data if isinstance(data, bytes) else json.dumps(data).encode()


class PdfRenderer(_FileRenderer):
    media_type = "application/pdf"
    format = "pdf"


class CsvRenderer(_FileRenderer):
    media_type = "text/csv"
    format = "csv"


class _ReportAPIView(APIView):
    """Finds the chat the caller may see (else 404)."""

    def get_chat(self, chat_id: int) -> Chat:
        chat = sel.chat_get_for_report(self.request.user, chat_id)
        if chat is None:
            raise NotFound("No such interview.")
        if scores_hidden_from(self.request.user, chat):  # the blind rule: 403 scores_hidden until they submit
            raise PermissionDenied({"detail": SCORES_HIDDEN, "code": ErrorCode.SCORES_HIDDEN.value})
        return chat

    def report_payload(self, chat: Chat) -> dict[str, Any]:
        view = sel.report_view_get(self.request.user, chat)
        urls = {
            name: self.request.build_absolute_uri(reverse(f"api-report{suffix}", args=[chat.pk]))
            for name, suffix in (("self", ""), ("pdf", "-pdf"), ("csv", "-csv"), ("regenerate", "-regenerate"))
        }
        urls["page"] = self.request.build_absolute_uri(reverse("report_detail", args=[chat.pk]))
        return sel.report_as_dict(view, urls=urls)


def _exportable(user: Any, chat: Chat) -> sel.ReportView | None:
    """The viewer's report view when the report has content to export."""
    view = sel.report_view_get(user, chat)
    return view if view.has_content else None


class ReportDetailView(_ReportAPIView):
    """GET a chat's report: status, scores, per-question grades, history (status "none" before any request)."""

    @extend_schema(responses={200: OpenApiResponse(description="The report as JSON"), 403: HIDDEN}, tags=["reports"])
    def get(self, request: Request, chat_id: int) -> Response:
        return Response(self.report_payload(self.get_chat(chat_id)))


class ReportRegenerateView(_ReportAPIView):
    """POST to generate a chat's report (again).

    202 when queued; 403 for a candidate on an invited interview; 429 (with Retry-After) within the cooldown;
    409 while busy or before the interview started.
    """

    @extend_schema(
        request=None,
        responses={
            202: OpenApiResponse(description="Queued"),
            403: OpenApiResponse(description="Not allowed to regenerate this report"),
            409: OpenApiResponse(description="Busy, or the interview has not started"),
            429: OpenApiResponse(description="Regenerated too recently; see Retry-After"),
        },
        tags=["reports"],
    )
    def post(self, request: Request, chat_id: int) -> Response:
        chat = self.get_chat(chat_id)
        try:
            report_regenerate(chat=chat, user=request.user)
        except ReportCooldown as exc:
            body = {"detail": exc.message, "code": exc.code, "retry_after": exc.retry_after}
            return Response(
                body, status=status.HTTP_429_TOO_MANY_REQUESTS, headers={"Retry-After": str(exc.retry_after)}
            )
        except ServiceError as exc:
            code = status.HTTP_403_FORBIDDEN if exc.code == ErrorCode.FORBIDDEN else status.HTTP_409_CONFLICT
            return Response({"detail": exc.message, "code": exc.code}, status=code)
        return Response(self.report_payload(self.get_chat(chat_id)), status=status.HTTP_202_ACCEPTED)


class ReportPdfView(_ReportAPIView):
    """GET the report as a PDF (409 until it is ready)."""

    renderer_classes = [PdfRenderer, JSONRenderer]

    @extend_schema(
        responses={(200, "application/pdf"): OpenApiResponse(description="PDF"), 403: HIDDEN}, tags=["reports"]
    )
    def get(self, request: Request, chat_id: int) -> HttpResponse:
        view = _exportable(request.user, self.get_chat(chat_id))
        if view is None or view.report is None:
            return Response({"detail": NOT_READY}, status=status.HTTP_409_CONFLICT)
        report = view.report
        response = HttpResponse(viewer_pdf_bytes(view), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{export_filename(report, "pdf")}"'
        return response


class ReportCsvView(_ReportAPIView):
    """GET the per-question table as CSV (409 until the report is ready)."""

    renderer_classes = [CsvRenderer, JSONRenderer]

    @extend_schema(responses={(200, "text/csv"): OpenApiResponse(description="CSV"), 403: HIDDEN}, tags=["reports"])
    def get(self, request: Request, chat_id: int) -> HttpResponse:
        view = _exportable(request.user, self.get_chat(chat_id))
        if view is None or view.shown_report is None:
            return Response({"detail": NOT_READY}, status=status.HTTP_409_CONFLICT)
        report = view.shown_report
        response = HttpResponse(csv_content(report), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{export_filename(report, "csv")}"'
        return response
