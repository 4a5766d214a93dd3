"""REST API for invitations: the same rules as the pages, the same services.

Interviewers see and manage the invitations they sent (admins: all); a candidate sees those they
started, while their verified email still matches. Refusals of state (already reviewed, window
closed) are 409s.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q, QuerySet
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from interview.accounts.permissions import IsInterviewerOrAdmin, is_admin, on_panel
from interview.core.api_fields import IdField, as_drf_error, quota_response, raise_for_service_error
from interview.core.errors import ErrorCode, ServiceError
from interview.core.ids import ID_PATH_REGEX
from interview.fairness.api import CONFIRM_HELP
from interview.fairness.forms import is_fairness_refusal
from interview.hiring import clock
from interview.hiring import selectors as sel
from interview.hiring import services as inv
from interview.hiring.accommodations import accommodation_decide, accommodation_request
from interview.hiring.panel import invitation_decide, panel_set
from interview.hiring.views import join_link_builder
from interview.interviews.api import TimeMultiplierField
from interview.models import AccommodationRequest, InvitedInterview
from interview.scoring.api import ErrorSerializer, service_error_response


class AccommodationSerializer(serializers.ModelSerializer):
    """A request for extra time: the multiplier asked for and its state (never a reason: none is stored)."""

    requested_multiplier = TimeMultiplierField(read_only=True)

    class Meta:
        model = AccommodationRequest
        fields = ["requested_multiplier", "status", "created_at", "decided_at"]
        read_only_fields = fields


class InvitationSerializer(serializers.ModelSerializer):
    """An invitation as its interviewer or candidate sees it (never its token)."""

    interviewer = serializers.CharField(source="interviewer.username", read_only=True)
    template = serializers.SerializerMethodField()
    window_end = serializers.SerializerMethodField()
    feedback = serializers.SerializerMethodField()
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    panel = serializers.SerializerMethodField(help_text="The co-interviewers (hidden from the candidate).")
    decision = serializers.SerializerMethodField(help_text="advance, hold or reject; '' until decided.")
    decision_reason = serializers.SerializerMethodField()
    decided_by = serializers.SerializerMethodField()
    time_multiplier = TimeMultiplierField(read_only=True, help_text="Extra time: every time limit is multiplied by it.")
    accommodation = serializers.SerializerMethodField(help_text="The candidate's request for extra time, if any.")

    class Meta:
        model = InvitedInterview
        fields = [
            "id", "interviewer", "candidate_email", "template", "scheduled_time", "duration_minutes", "window_end",
            "status", "status_display", "chat", "started_at", "completed_at", "reviewed_at", "feedback_published",
            "feedback", "created_at", "panel", "decision", "decision_reason", "decided_at", "decided_by",
            "time_multiplier", "accommodation",
        ]  # fmt: skip
        read_only_fields = fields

    def get_template(self, invitation: InvitedInterview) -> dict[str, Any] | None:
        template = invitation.template
        return {"id": template.pk, "name": template.name} if template else None

    def get_window_end(self, invitation: InvitedInterview) -> str:
        return serializers.DateTimeField().to_representation(
            clock.window_end(invitation.scheduled_time, invitation.duration_minutes)
        )

    def get_accommodation(self, invitation: InvitedInterview) -> dict[str, Any] | None:
        try:
            request = invitation.accommodation  # loaded with the invitation (get_queryset)
        except AccommodationRequest.DoesNotExist:
            return None
        return dict(AccommodationSerializer(request).data)

    def _hiring_team(self, invitation: InvitedInterview) -> bool:
        user = self.context["request"].user
        return invitation.candidate_id != user.pk or invitation.interviewer_id == user.pk or is_admin(user)

    def get_panel(self, invitation: InvitedInterview) -> list[dict[str, Any]]:
        if not self._hiring_team(invitation):
            return []
        return [{"id": u.pk, "username": u.username} for u in invitation.panel.all()]

    def get_decision(self, invitation: InvitedInterview) -> str:
        return invitation.decision if self._hiring_team(invitation) else ""

    def get_decision_reason(self, invitation: InvitedInterview) -> str:
        return invitation.decision_reason if self._hiring_team(invitation) else ""

    def get_decided_by(self, invitation: InvitedInterview) -> str | None:
        decided_by = invitation.decided_by if self._hiring_team(invitation) else None
        return decided_by.username if decided_by else None

    def get_feedback(self, invitation: InvitedInterview) -> str | None:
        """The feedback: always for its interviewer and admins, for the candidate only once published."""
        user = self.context["request"].user
        if invitation.interviewer_id == user.pk or is_admin(user) or invitation.feedback_published:
            return invitation.interviewer_feedback
        return None


class PanelField(serializers.ListField):
    """Co-interviewers: up to 5 user ids or usernames of interviewers or admins (not you, not the candidate)."""

    child = serializers.JSONField()

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("help_text", "Up to 5 user ids or usernames of interviewers or admins; refusals: "
                          "panel_too_large, not_on_panel (not an interviewer), not_found, invalid.")  # fmt: skip
        kwargs.setdefault("max_length", 50)
        super().__init__(**kwargs)


class InvitationCreateSerializer(serializers.Serializer):
    """A new invitation; the service checks the email, the template, the time and the duration."""

    candidate_email = serializers.CharField(max_length=254)
    template = IdField()
    scheduled_time = serializers.DateTimeField()
    duration_minutes = serializers.IntegerField()
    panel = PanelField(required=False)
    time_multiplier = TimeMultiplierField(
        required=False, help_text="Extra time: 1 (default), 1.25, 1.5 or 2; the limits and the window are multiplied."
    )


class InvitationPanelSerializer(serializers.Serializer):
    panel = PanelField()


class InvitationDecisionSerializer(serializers.Serializer):
    """The hiring decision, recorded once (see interview/hiring/panel.py)."""

    decision = serializers.CharField(help_text="advance, hold or reject.")
    reason = serializers.CharField(allow_blank=True, trim_whitespace=False, help_text="Required (reason_required).")
    acknowledge_strong_no = serializers.BooleanField(
        default=False,
        help_text="Required as true when a submitted scorecard recommends strong_no (else strong_no_unacknowledged); "
        "the reason should address it.",
    )
    confirm_language = serializers.BooleanField(default=False, help_text=CONFIRM_HELP)


class InvitationReviewSerializer(serializers.Serializer):
    feedback = serializers.CharField(allow_blank=True, max_length=inv.FEEDBACK_MAX_CHARS)
    publish = serializers.BooleanField(default=True, help_text="Mark reviewed and email the candidate.")
    confirm_language = serializers.BooleanField(default=False, help_text=CONFIRM_HELP)


class InvitationStartSerializer(serializers.Serializer):
    token = serializers.CharField(max_length=200, help_text="The token at the end of the emailed join link.")


class AccommodationRequestSerializer(serializers.Serializer):
    token = serializers.CharField(max_length=200, help_text="The token at the end of the emailed join link.")
    multiplier = serializers.JSONField(help_text="The extra time asked for: 1.25, 1.5 or 2. No reason is asked for.")


class AccommodationDecisionSerializer(serializers.Serializer):
    decision = serializers.CharField(help_text="grant or decline.")
    multiplier = serializers.JSONField(
        required=False, allow_null=True, help_text="With grant: 1.25, 1.5 or 2 (default: the multiplier asked for)."
    )


# Refusals of the accommodation endpoints: bad input 400, join refusals 403, state 409.
ACCOMMODATION_STATUS: dict[str, int] = {
    ErrorCode.NOT_FOUND: status.HTTP_404_NOT_FOUND,
    ErrorCode.LOGIN: status.HTTP_403_FORBIDDEN,
    ErrorCode.TAKEN: status.HTTP_403_FORBIDDEN,
    ErrorCode.WRONG_EMAIL: status.HTTP_403_FORBIDDEN,
    ErrorCode.UNVERIFIED: status.HTTP_403_FORBIDDEN,
    ErrorCode.ALREADY_REQUESTED: status.HTTP_409_CONFLICT,
    ErrorCode.ALREADY_STARTED: status.HTTP_409_CONFLICT,
    ErrorCode.ALREADY_DECIDED: status.HTTP_409_CONFLICT,
    ErrorCode.WINDOW_CLOSED: status.HTTP_409_CONFLICT,
    ErrorCode.NO_REQUEST: status.HTTP_409_CONFLICT,
}


def _accommodation_refusal(exc: ServiceError) -> Response:
    code = str(exc.code)
    return Response({"detail": exc.message, "code": code}, status=ACCOMMODATION_STATUS.get(code, 400))


class InvitationStartedSerializer(serializers.Serializer):
    invitation = InvitationSerializer()
    chat_id = serializers.IntegerField()


class _InterviewerActions(BasePermission):
    """Interviewer-only actions (create, review, resend); reading needs only a login."""

    def has_permission(self, request: Request, view: Any) -> bool:
        if view.action in {"create", "review", "resend", "panel", "decision", "accommodation_decision"}:
            return IsInterviewerOrAdmin().has_permission(request, view)
        return True


@extend_schema_view(
    list=extend_schema(summary="Invitations you sent (admins: all) or started as the candidate", tags=["invitations"]),
    retrieve=extend_schema(summary="One invitation", tags=["invitations"]),
)
class InvitationViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """Invite, list, read, review, resend and (as the candidate) start invitations."""

    serializer_class = InvitationSerializer
    lookup_value_regex = ID_PATH_REGEX
    permission_classes = [IsAuthenticated, _InterviewerActions]
    queryset = InvitedInterview.objects.none()  # for the schema; get_queryset is per user

    def get_queryset(self) -> QuerySet[InvitedInterview]:
        user = self.request.user
        rows = InvitedInterview.objects.select_related(
            "template", "interviewer", "decided_by", "accommodation"
        ).prefetch_related("panel")
        if not is_admin(user):
            rows = rows.filter(Q(interviewer=user) | Q(candidate=user) | Q(panel=user)).distinct()
        wanted = self.request.query_params.get("status", "")
        if wanted in sel.STATUSES:
            rows = rows.filter(status=wanted)
        return rows.order_by("-scheduled_time", "-id")

    def get_object(self) -> InvitedInterview:
        invitation = self.get_queryset().filter(pk=self.kwargs["pk"]).first()
        if invitation is None:
            raise NotFound("No such invitation.")
        reviewer = invitation.interviewer_id == self.request.user.pk or is_admin(self.request.user)
        reviewer = reviewer or on_panel(invitation, self.request.user.pk)
        if not reviewer and sel.join_verdict(self.request.user, invitation) is not None:
            raise NotFound("No such invitation.")  # the candidate's email changed or is no longer verified
        return invitation

    @extend_schema(request=InvitationCreateSerializer, responses={201: InvitationSerializer}, tags=["invitations"])
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Invite a candidate; the join link is emailed to them, never returned."""
        incoming = InvitationCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        d = incoming.validated_data
        try:
            sent = inv.invitation_create(
                interviewer=request.user,
                candidate_email=d["candidate_email"],
                template_id=d["template"],
                scheduled_time=d["scheduled_time"],
                duration_minutes=d["duration_minutes"],
                now=timezone.now(),
                link_for=join_link_builder(request._request),
                panel=d.get("panel") or (),
                time_multiplier=d.get("time_multiplier"),
            )
        except DjangoValidationError as exc:
            raise as_drf_error(exc) from exc
        except ServiceError as exc:
            return quota_response(exc) or service_error_response(exc)
        data = {**self.get_serializer(sent.invitation).data, "emailed": sent.emailed}
        return Response(data, status=status.HTTP_201_CREATED)

    @extend_schema(request=InvitationReviewSerializer, responses={200: InvitationSerializer}, tags=["invitations"])
    @action(detail=True, methods=["post"])
    def review(self, request: Request, pk: str | None = None) -> Response:
        """Save feedback; with publish (the default) mark the interview reviewed and email the candidate."""
        incoming = InvitationReviewSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        try:
            invitation = inv.invitation_review(
                invitation_id=int(pk or 0),
                user=request.user,
                feedback=incoming.validated_data["feedback"],
                publish=incoming.validated_data["publish"],
                now=timezone.now(),
                confirm_language=incoming.validated_data["confirm_language"],
            )
        except DjangoValidationError as exc:
            raise as_drf_error(exc) from exc
        except ServiceError as exc:
            if is_fairness_refusal(exc):
                return service_error_response(exc)
            raise_for_service_error(exc)
        return Response(self.get_serializer(invitation).data)

    @extend_schema(request=None, responses={200: InvitationSerializer}, tags=["invitations"])
    @action(detail=True, methods=["post"])
    def resend(self, request: Request, pk: str | None = None) -> Response:
        """Email a pending invitation again with a new link; the old link stops working."""
        try:
            sent = inv.invitation_resend(
                invitation_id=int(pk or 0),
                user=request.user,
                now=timezone.now(),
                link_for=join_link_builder(request._request),
            )
        except ServiceError as exc:
            raise_for_service_error(exc)
        return Response({**self.get_serializer(sent.invitation).data, "emailed": sent.emailed})

    @extend_schema(
        request=InvitationStartSerializer, responses={200: InvitationStartedSerializer}, tags=["invitations"]
    )
    @action(detail=False, methods=["post"])
    def start(self, request: Request) -> Response:
        """Start an invited interview with the link's token (verified matching email, inside the window)."""
        incoming = InvitationStartSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        try:
            invitation = inv.invitation_start(
                token=incoming.validated_data["token"], user=request.user, now=timezone.now()
            )
        except ServiceError as exc:
            raise_for_service_error(exc, forbidden=("taken", "wrong_email", "unverified"))
        return Response({"invitation": self.get_serializer(invitation).data, "chat_id": invitation.chat_id})

    @extend_schema(
        request=InvitationPanelSerializer,
        responses={200: InvitationSerializer, 400: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer},
        tags=["invitations"],
    )
    @action(detail=True, methods=["post"])
    def panel(self, request: Request, pk: str | None = None) -> Response:
        """Replace the invitation's panel (its creator or an admin): up to 5 interviewers or admins."""
        incoming = InvitationPanelSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        try:
            invitation = panel_set(
                invitation_id=int(pk or 0), user=request.user, panel=incoming.validated_data["panel"]
            )
        except ServiceError as exc:
            return service_error_response(exc)
        return Response(self.get_serializer(invitation).data)

    @extend_schema(
        request=InvitationDecisionSerializer,
        responses={
            200: InvitationSerializer,
            400: OpenApiResponse(
                ErrorSerializer,
                description="reason_required, strong_no_unacknowledged, invalid, biased_language, confirm_language",
            ),
            404: ErrorSerializer,
            409: OpenApiResponse(ErrorSerializer, description="no_scorecard, already_decided"),
        },
        tags=["invitations"],
    )
    @action(detail=True, methods=["post"])
    def decision(self, request: Request, pk: str | None = None) -> Response:
        """Record the hiring decision once (the inviting interviewer or an admin) after a scorecard is submitted."""
        incoming = InvitationDecisionSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        d = incoming.validated_data
        try:
            invitation = invitation_decide(
                invitation_id=int(pk or 0), user=request.user, decision=d["decision"], reason=d["reason"],
                acknowledge_strong_no=d["acknowledge_strong_no"], now=timezone.now(),
                confirm_language=d["confirm_language"],
            )  # fmt: skip
        except ServiceError as exc:
            return service_error_response(exc)
        return Response(self.get_serializer(invitation).data)

    @extend_schema(
        request=AccommodationRequestSerializer,
        responses={
            201: AccommodationSerializer,
            400: OpenApiResponse(ErrorSerializer, description="invalid (a multiplier other than 1.25, 1.5 or 2)"),
            403: OpenApiResponse(ErrorSerializer, description="taken, wrong_email, unverified"),
            404: ErrorSerializer,
            409: OpenApiResponse(ErrorSerializer, description="already_requested, already_started, window_closed"),
        },
        tags=["invitations"],
    )
    @action(detail=False, methods=["post"], url_path="accommodation")
    def accommodation_request(self, request: Request) -> Response:
        """As the invited candidate (the link's token), ask once for extra time before the interview starts."""
        incoming = AccommodationRequestSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        d = incoming.validated_data
        try:
            made = accommodation_request(
                token=d["token"], user=request.user, multiplier=d["multiplier"], now=timezone.now()
            )
        except ServiceError as exc:
            return _accommodation_refusal(exc)
        return Response(AccommodationSerializer(made).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=AccommodationDecisionSerializer,
        responses={
            200: InvitationSerializer,
            400: OpenApiResponse(ErrorSerializer, description="invalid (decision or multiplier)"),
            404: ErrorSerializer,
            409: OpenApiResponse(ErrorSerializer, description="no_request, already_decided, already_started"),
        },
        tags=["invitations"],
    )
    @action(detail=True, methods=["post"], url_path="accommodation/decision")
    def accommodation_decision(self, request: Request, pk: str | None = None) -> Response:
        """Grant (optionally another multiplier) or decline the candidate's request, before the interview starts."""
        incoming = AccommodationDecisionSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        d = incoming.validated_data
        try:
            decided = accommodation_decide(
                invitation_id=int(pk or 0), user=request.user, decision=d["decision"],
                multiplier=d.get("multiplier"), now=timezone.now(),
            )  # fmt: skip
        except ServiceError as exc:
            return _accommodation_refusal(exc)
        return Response(self.get_serializer(decided.invitation).data)
