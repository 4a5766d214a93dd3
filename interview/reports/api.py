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
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from interview.accounts.permissions import can_view_chat
from interview.audit.services import audit_report_read
from interview.core.api_fields import quota_response
from interview.core.errors import ErrorCode, ServiceError
from interview.core.ratelimits import REPORT_REGENERATE, rate_limit_hit, rate_limit_response
from interview.fairness.api import CONFIRM_HELP
from interview.models import Chat
from interview.reports import selectors as sel
from interview.reports.overrides import OverrideRequest, score_override
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

    def report_payload(self, chat: Chat, *, audit: bool = False) -> dict[str, Any]:
        view = sel.report_view_get(self.request.user, chat)
        if audit and view.report is not None:
            audit_report_read(request=self.request, report=view.report, candidate_id=chat.user_id, via="api")
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

    @extend_schema(
        responses={
            200: OpenApiResponse(
                description=(
                    "The report as JSON. Once ready: `scores` (the spec's four, 0-100; overall is the weighted mean "
                    "of the rubric's criteria), `criterion_scores` [{key, name, weight, score 0-100, band 1-5, "
                    "evidence, feedback}] in rubric order (bands: 0-19 → 1, 20-39 → 2, 40-59 → 3, 60-79 → 4, "
                    "80-100 → 5), `model_name` and `prompt_version` (what produced the scores), "
                    "`question_responses` and `history`."
                )
            ),
            403: HIDDEN,
        },
        tags=["reports"],
    )
    def get(self, request: Request, chat_id: int) -> Response:
        return Response(self.report_payload(self.get_chat(chat_id), audit=True))


class ReportRegenerateView(_ReportAPIView):
    """POST to generate a chat's report (again).

    202 when queued; 403 for a candidate on an invited interview; 429 (with Retry-After) within the cooldown
    or past the user's regeneration rate limit; 409 while busy or before the interview started.
    """

    @extend_schema(
        request=None,
        responses={
            202: OpenApiResponse(description="Queued"),
            403: OpenApiResponse(description="Not allowed to regenerate this report"),
            409: OpenApiResponse(description="Busy, or the interview has not started"),
            429: OpenApiResponse(
                description="`report_cooldown`: this report was regenerated too recently; `rate_limited`: too many "
                "regenerations lately (settings.RATE_LIMITS); `quota_exceeded`: the daily budget or the monthly "
                "cap is used up. Retry-After says when to try again"
            ),
        },
        tags=["reports"],
    )
    def post(self, request: Request, chat_id: int) -> Response:
        chat = self.get_chat(chat_id)
        if (hit := rate_limit_hit(request, REPORT_REGENERATE)) is not None:
            return rate_limit_response(hit)
        try:
            report_regenerate(chat=chat, user=request.user)
        except ReportCooldown as exc:
            body = {"detail": exc.message, "code": exc.code, "retry_after": exc.retry_after}
            return Response(
                body, status=status.HTTP_429_TOO_MANY_REQUESTS, headers={"Retry-After": str(exc.retry_after)}
            )
        except ServiceError as exc:
            if (quota := quota_response(exc)) is not None:
                return quota
            code = status.HTTP_403_FORBIDDEN if exc.code == ErrorCode.FORBIDDEN else status.HTTP_409_CONFLICT
            return Response({"detail": exc.message, "code": exc.code, **exc.details}, status=code)
        return Response(self.report_payload(self.get_chat(chat_id)), status=status.HTTP_202_ACCEPTED)


class ReportPdfView(_ReportAPIView):
    """GET the report as a PDF (409 until it is ready)."""

    renderer_classes = [PdfRenderer, JSONRenderer]

    @extend_schema(
        responses={(200, "application/pdf"): OpenApiResponse(description="PDF"), 403: HIDDEN}, tags=["reports"]
    )
    def get(self, request: Request, chat_id: int) -> HttpResponse:
        chat = self.get_chat(chat_id)
        view = _exportable(request.user, chat)
        if view is None or view.report is None:
            return Response({"detail": NOT_READY}, status=status.HTTP_409_CONFLICT)
        report = view.report
        audit_report_read(request=request, report=report, candidate_id=chat.user_id, via="api", exported_as="pdf")
        response = HttpResponse(viewer_pdf_bytes(view), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{export_filename(report, "pdf")}"'
        return response


class ReportCsvView(_ReportAPIView):
    """GET the per-question table as CSV (409 until the report is ready)."""

    renderer_classes = [CsvRenderer, JSONRenderer]

    @extend_schema(responses={(200, "text/csv"): OpenApiResponse(description="CSV"), 403: HIDDEN}, tags=["reports"])
    def get(self, request: Request, chat_id: int) -> HttpResponse:
        chat = self.get_chat(chat_id)
        view = _exportable(request.user, chat)
        if view is None or view.shown_report is None:
            return Response({"detail": NOT_READY}, status=status.HTTP_409_CONFLICT)
        report = view.shown_report
        audit_report_read(
            request=request, report=view.report or report, candidate_id=chat.user_id, via="api", exported_as="csv"
        )
        response = HttpResponse(csv_content(report), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{export_filename(report, "csv")}"'
        return response


class OverrideInput(serializers.Serializer):
    """Documents the override body; the service checks it (so every refusal carries an ErrorCode)."""

    question = serializers.IntegerField(required=False, help_text="1-based key question number (score 0-10).")
    criterion = serializers.CharField(required=False, help_text="Rubric criterion key (score 0-100).")
    score = serializers.IntegerField(help_text="The new score: 0-10 for a question, 0-100 for a criterion.")
    reason = serializers.CharField(help_text="Why the AI's score is wrong (required; never shown to the candidate).")
    confirm_language = serializers.BooleanField(required=False, help_text=CONFIRM_HELP)


OVERRIDE_STATUS: dict[str, int] = {
    ErrorCode.FORBIDDEN: 403,
    ErrorCode.SCORES_HIDDEN: 403,
    ErrorCode.NO_REPORT: 409,
    ErrorCode.REPORT_BUSY: 409,
}


class ReportOverrideView(_ReportAPIView):
    """POST to override one AI score with a reason: the report gains a version showing "AI 7 → 5 (reason)".

    Name exactly one of `question` (1-based, score 0-10) or `criterion` (key, score 0-100). Allowed: the
    inviting interviewer, the panel and admins; a practice interview's scores only admins may override.
    """

    def get_chat(self, chat_id: int) -> Chat:
        chat = sel.chat_get_for_override(self.request.user, chat_id)
        if chat is None:
            raise NotFound("No such interview.")
        return chat

    @extend_schema(
        request=OverrideInput,
        responses={
            201: OpenApiResponse(description="Overridden: the report as JSON, with `override` (the new row)"),
            400: OpenApiResponse(
                description="`reason_required`, `unknown_criterion`, `score_out_of_range`, `invalid`, or "
                "`biased_language` / `confirm_language` with `terms` and `field`"
            ),
            403: OpenApiResponse(
                description="`forbidden`: the candidate, or someone not on the hiring team; `scores_hidden`: a "
                "panel member who has not submitted their scorecard (the blind rule)"
            ),
            409: OpenApiResponse(description="`no_report` (nothing ready to override) or `report_busy`"),
        },
        examples=[
            OpenApiExample("A question", value={"question": 2, "score": 5, "reason": "The answer covered indexes."}),
            OpenApiExample("A criterion", value={"criterion": "clarity", "score": 40, "reason": "Rambled."}),
        ],
        tags=["reports"],
    )
    def post(self, request: Request, chat_id: int) -> Response:
        chat = self.get_chat(chat_id)
        data = request.data if isinstance(request.data, dict) else {}
        wanted = OverrideRequest(
            score=data.get("score"),
            reason=data.get("reason"),
            question=data.get("question"),
            criterion=data.get("criterion"),
            confirm_language=data.get("confirm_language") is True,
        )
        try:
            override = score_override(chat=chat, user=request.user, request=wanted)
        except ServiceError as exc:
            code = OVERRIDE_STATUS.get(exc.code, status.HTTP_400_BAD_REQUEST)
            return Response({"detail": exc.message, "code": exc.code, **exc.details}, status=code)
        # Fetched again: `chat` still holds the report as it was before the override.
        payload = self.report_payload(self.get_chat(chat_id)) if can_view_chat(request.user, chat) else {}
        payload["override"] = sel.override_as_dict(override)
        return Response(payload, status=status.HTTP_201_CREATED)
