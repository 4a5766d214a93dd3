"""REST API for scorecards: list and save your own (`/api/chats/<id>/scorecards/`), read one, reopen (admins).

The blind rule applies: a panelist who has not submitted sees only their own scorecard and no AI scores
(`blind: true`, `ai: null`); reading someone else's is 403 `scores_hidden`. The candidate is refused (403),
anyone who may not read the chat gets 404.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from interview.core.errors import ErrorCode, ServiceError
from interview.core.rubric import score_band
from interview.fairness.api import CONFIRM_HELP
from interview.models import Chat, Scorecard
from interview.scoring import selectors as sel
from interview.scoring.blind import scores_hidden_from
from interview.scoring.services import ScorecardInput, scorecard_reopen, scorecard_save

BANDS_HELP = "AI scores are 0-100; their 1-5 band: 0-19 → 1, 20-39 → 2, 40-59 → 3, 60-79 → 4, 80-100 → 5."
STATUS_BY_CODE = {
    ErrorCode.NOT_FOUND: status.HTTP_404_NOT_FOUND,
    ErrorCode.FORBIDDEN: status.HTTP_403_FORBIDDEN,
    ErrorCode.NOT_ON_PANEL: status.HTTP_403_FORBIDDEN,
    ErrorCode.SCORES_HIDDEN: status.HTTP_403_FORBIDDEN,
    ErrorCode.ALREADY_SUBMITTED: status.HTTP_409_CONFLICT,
    ErrorCode.NOT_COMPLETED: status.HTTP_409_CONFLICT,
    ErrorCode.ALREADY_DECIDED: status.HTTP_409_CONFLICT,
    ErrorCode.NO_SCORECARD: status.HTTP_409_CONFLICT,
}


def service_error_response(exc: ServiceError) -> Response:
    """A refusal as `{"detail", "code"}` (plus its data, e.g. a fairness refusal's `terms`): 404, 403, 409 for
    state, 400 for bad input."""
    return Response(
        {"detail": exc.message, "code": str(exc.code), **exc.details},
        status=STATUS_BY_CODE.get(exc.code, status.HTTP_400_BAD_REQUEST),  # type: ignore[call-overload]
    )


ErrorSerializer = inline_serializer(
    "ScoringError", {"detail": serializers.CharField(), "code": serializers.CharField()}
)


class ScorecardSerializer(serializers.ModelSerializer):
    """A scorecard: scores {criterion key: {"score": 1-5, "comment"}}, recommendation, notes and status."""

    interviewer = serializers.SerializerMethodField()
    reopened_by = serializers.SerializerMethodField()

    class Meta:
        model = Scorecard
        fields = [
            "interviewer", "status", "scores", "recommendation", "notes", "submitted_at", "reopened_at",
            "reopened_by", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields

    def get_interviewer(self, card: Scorecard) -> dict[str, Any]:
        return {
            "id": card.interviewer_id,
            "username": card.interviewer.username,
            "name": sel.person_name(card.interviewer),
        }

    def get_reopened_by(self, card: Scorecard) -> str | None:
        return card.reopened_by.username if card.reopened_by else None


class ScorecardWriteSerializer(serializers.Serializer):
    """Save your draft (scores merge per criterion; `null` removes one); `submit: true` submits it (final)."""

    scores = serializers.JSONField(
        required=False,
        help_text='{"criterion key": {"score": 1-5, "comment": "..."}} or {"criterion key": 1-5}; only the '
        "criteria of the chat's rubric.",
    )
    recommendation = serializers.CharField(
        required=False, allow_blank=True, help_text="strong_no, no, yes or strong_yes ('' clears it)."
    )
    notes = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)
    submit = serializers.BooleanField(
        default=False, help_text="Submit: every criterion scored and a recommendation, after the interview ended."
    )
    confirm_language = serializers.BooleanField(default=False, help_text=CONFIRM_HELP)


ScorecardListSerializer = inline_serializer(
    "ScorecardList",
    {
        "chat_id": serializers.IntegerField(),
        "blind": serializers.BooleanField(help_text="True while you have not submitted: no others, no AI."),
        "criteria": serializers.ListField(child=serializers.DictField()),
        "scorecards": ScorecardSerializer(many=True),
        "ai": serializers.DictField(
            allow_null=True, help_text=f"{{key: {{score, band}}}}, null while blind. {BANDS_HELP}"
        ),
    },
)


class _ScoringView(APIView):
    def get_chat(self, chat_id: int) -> Chat:
        chat = sel.chat_get_for_scoring(self.request.user, chat_id)
        if chat is None:
            raise NotFound("No such invited interview.")
        return chat


class ScorecardListView(_ScoringView):
    """The scorecards of an invited interview you may see, and your own draft's saving and submission."""

    @extend_schema(
        summary="Scorecards you may see (blind rule), the rubric and the AI's scores once you submitted",
        operation_id="chats_scorecards_list",
        responses={200: ScorecardListSerializer, 403: ErrorSerializer, 404: ErrorSerializer},
        tags=["scorecards"],
    )
    def get(self, request: Request, chat_id: int) -> Response:
        chat = self.get_chat(chat_id)
        try:
            cards = sel.scorecard_list_for(request.user, chat)
        except ServiceError as exc:
            return service_error_response(exc)
        return Response(scorecard_list_payload(request.user, chat, cards))

    @extend_schema(
        summary="Create or update your draft; submit it with submit: true",
        operation_id="chats_scorecards_save",
        request=ScorecardWriteSerializer,
        responses={
            200: ScorecardSerializer,
            400: OpenApiResponse(
                ErrorSerializer,
                description="score_out_of_range, unknown_criterion, scorecard_incomplete, invalid, biased_language, "
                "confirm_language (with `terms` and `field`)",
            ),
            403: OpenApiResponse(ErrorSerializer, description="not_on_panel (the candidate)"),
            409: OpenApiResponse(ErrorSerializer, description="already_submitted, not_completed"),
        },
        tags=["scorecards"],
    )
    def post(self, request: Request, chat_id: int) -> Response:
        chat = self.get_chat(chat_id)
        incoming = ScorecardWriteSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = ScorecardInput(**incoming.validated_data)
        try:
            card = scorecard_save(chat=chat, user=request.user, data=data, now=timezone.now())
        except ServiceError as exc:
            return service_error_response(exc)
        return Response(ScorecardSerializer(card).data)


def scorecard_list_payload(user: Any, chat: Chat, cards: list[Scorecard]) -> dict[str, Any]:
    """The list response: blind flag, criteria, scorecards and (unless blind) the AI's scores with bands."""
    blind = scores_hidden_from(user, chat)
    ai = (
        None
        if blind
        else {k: {"score": v["score"], "band": score_band(v["score"])} for k, v in sel.ai_scores(chat).items()}
    )
    return {
        "chat_id": chat.pk,
        "blind": blind,
        "criteria": sel.criteria_of(chat),
        "scorecards": ScorecardSerializer(cards, many=True).data,
        "ai": ai,
    }


class ScorecardDetailView(_ScoringView):
    """One interviewer's scorecard (yours always; others' once yours is submitted)."""

    @extend_schema(
        summary="One interviewer's scorecard, subject to the blind rule",
        operation_id="chats_scorecards_retrieve",
        responses={
            200: ScorecardSerializer,
            403: OpenApiResponse(ErrorSerializer, description="scores_hidden"),
            404: ErrorSerializer,
        },
        tags=["scorecards"],
    )
    def get(self, request: Request, chat_id: int, user_id: int) -> Response:
        chat = self.get_chat(chat_id)
        try:
            card = sel.scorecard_get_for(request.user, chat, user_id)
        except ServiceError as exc:
            return service_error_response(exc)
        return Response(ScorecardSerializer(card).data)


class ScorecardReopenView(_ScoringView):
    """An admin reopens a submitted scorecard (it becomes a draft again; who and when are recorded)."""

    @extend_schema(
        summary="Reopen a submitted scorecard (admins)",
        operation_id="chats_scorecards_reopen",
        request=None,
        responses={200: ScorecardSerializer, 400: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer},
        tags=["scorecards"],
    )
    def post(self, request: Request, chat_id: int, user_id: int) -> Response:
        chat = self.get_chat(chat_id)
        card = Scorecard.objects.filter(chat=chat, interviewer_id=user_id).first()
        try:
            card = scorecard_reopen(scorecard_id=card.pk if card else 0, by=request.user, now=timezone.now())
        except ServiceError as exc:
            return service_error_response(exc)
        return Response(ScorecardSerializer(card).data)
