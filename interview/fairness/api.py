"""REST API of the fairness check: GET or POST /api/fairness/check/ (interviewers and admins); nothing is saved."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from interview.accounts.permissions import IsInterviewerOrAdmin
from interview.fairness.check import Flag
from interview.fairness.selectors import fairness_flags

TEXT_MAX_CHARS = 20_000
CONFIRM_HELP = (
    "true keeps wording the fairness library only warns about (else 400 confirm_language with `terms`); "
    "blocking terms are refused whatever this says (400 biased_language with `terms`)."
)


class CheckSerializer(serializers.Serializer):
    text = serializers.CharField(allow_blank=True, trim_whitespace=False, max_length=TEXT_MAX_CHARS)


def check_payload(flags: list[Flag]) -> dict[str, object]:
    """Every occurrence (with its position), and what a save of this text would meet."""
    return {
        "flags": [{**f.public(), "start": f.start, "end": f.end} for f in flags],
        "blocked": any(f.blocks for f in flags),
        "needs_confirmation": bool(flags) and not any(f.blocks for f in flags),
    }


class FairnessCheckView(APIView):
    """Which library terms a text uses: `flags` [{term, category, severity, explanation, start, end}]."""

    permission_classes = [IsInterviewerOrAdmin]

    @extend_schema(
        parameters=[OpenApiParameter("text", str, description="The text to check (at most 20,000 characters).")],
        responses={200: OpenApiResponse(description="flags, blocked, needs_confirmation"), 403: None},
        tags=["fairness"],
    )
    def get(self, request: Request) -> Response:
        return self._check(request.query_params)

    @extend_schema(
        request=CheckSerializer,
        responses={200: OpenApiResponse(description="flags, blocked, needs_confirmation"), 403: None},
        tags=["fairness"],
    )
    def post(self, request: Request) -> Response:
        return self._check(request.data)

    def _check(self, data: object) -> Response:
        incoming = CheckSerializer(data=data)
        incoming.is_valid(raise_exception=True)
        return Response(check_payload(fairness_flags(incoming.validated_data["text"])))
