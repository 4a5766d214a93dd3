"""REST API for invitations and role requests: the same rules as the pages, the same services.

Invitations: interviewers see and manage those they sent (admins: all); a candidate sees those they
started, while their verified email still matches. Role requests: a candidate requests the
interviewer role; admins decide. Refusals of state (already decided, window closed) are 409s.
"""

from __future__ import annotations

from typing import Any, NoReturn, cast

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q, QuerySet
from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import APIException, NotFound, PermissionDenied
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from interview.accounts.permissions import IsAdminRole, IsInterviewerOrAdmin, is_admin
from interview.accounts.roles import role_request_create, role_request_decide_one
from interview.core.api_fields import IdField, as_drf_error
from interview.core.errors import ServiceError
from interview.core.ids import ID_PATH_REGEX
from interview.hiring import clock
from interview.hiring import selectors as sel
from interview.hiring import services as inv
from interview.hiring.views import join_link_builder
from interview.models import InvitedInterview, RoleChangeRequest


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "This cannot be done in the current state."
    default_code = "conflict"


def _raise_for(exc: ServiceError, *, forbidden: tuple[str, ...] = ()) -> NoReturn:
    """Turn a service refusal into the matching API error: 404 not found, 403 forbidden codes, else 409."""
    if exc.code == "not_found":
        raise NotFound(exc.message) from exc
    if exc.code in forbidden:
        raise PermissionDenied(exc.message, code=exc.code) from exc
    raise Conflict(exc.message, code=exc.code) from exc


# --- Invitations ------------------------------------------------------------------------------------


class InvitationSerializer(serializers.ModelSerializer):
    """An invitation as its interviewer or candidate sees it (never its token)."""

    interviewer = serializers.CharField(source="interviewer.username", read_only=True)
    template = serializers.SerializerMethodField()
    window_end = serializers.SerializerMethodField()
    feedback = serializers.SerializerMethodField()
    status_display = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = InvitedInterview
        fields = [
            "id", "interviewer", "candidate_email", "template", "scheduled_time", "duration_minutes", "window_end",
            "status", "status_display", "chat", "started_at", "completed_at", "reviewed_at", "feedback_published",
            "feedback", "created_at",
        ]  # fmt: skip
        read_only_fields = fields

    def get_template(self, invitation: InvitedInterview) -> dict[str, Any] | None:
        template = invitation.template
        return {"id": template.pk, "name": template.name} if template else None

    def get_window_end(self, invitation: InvitedInterview) -> str:
        return serializers.DateTimeField().to_representation(
            clock.window_end(invitation.scheduled_time, invitation.duration_minutes)
        )

    def get_feedback(self, invitation: InvitedInterview) -> str | None:
        """The feedback: always for its interviewer and admins, for the candidate only once published."""
        user = self.context["request"].user
        if invitation.interviewer_id == user.pk or is_admin(user) or invitation.feedback_published:
            return invitation.interviewer_feedback
        return None


class InvitationCreateSerializer(serializers.Serializer):
    """A new invitation; the service checks the email, the template, the time and the duration."""

    candidate_email = serializers.CharField(max_length=254)
    template = IdField()
    scheduled_time = serializers.DateTimeField()
    duration_minutes = serializers.IntegerField()


class InvitationReviewSerializer(serializers.Serializer):
    feedback = serializers.CharField(allow_blank=True, max_length=inv.FEEDBACK_MAX_CHARS)
    publish = serializers.BooleanField(default=True, help_text="Mark reviewed and email the candidate.")


class InvitationStartSerializer(serializers.Serializer):
    token = serializers.CharField(max_length=200, help_text="The token at the end of the emailed join link.")


class InvitationStartedSerializer(serializers.Serializer):
    invitation = InvitationSerializer()
    chat_id = serializers.IntegerField()


class _InterviewerActions(BasePermission):
    """Interviewer-only actions (create, review, resend); reading needs only a login."""

    def has_permission(self, request: Request, view: Any) -> bool:
        if view.action in {"create", "review", "resend"}:
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
        rows = InvitedInterview.objects.select_related("template", "interviewer")
        if not is_admin(user):
            rows = rows.filter(Q(interviewer=user) | Q(candidate=user))
        wanted = self.request.query_params.get("status", "")
        if wanted in sel.STATUSES:
            rows = rows.filter(status=wanted)
        return rows.order_by("-scheduled_time", "-id")

    def get_object(self) -> InvitedInterview:
        invitation = self.get_queryset().filter(pk=self.kwargs["pk"]).first()
        if invitation is None:
            raise NotFound("No such invitation.")
        reviewer = invitation.interviewer_id == self.request.user.pk or is_admin(self.request.user)
        if not reviewer and sel.join_verdict(self.request.user, invitation) != "ok":
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
            )
        except DjangoValidationError as exc:
            raise as_drf_error(exc) from exc
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
            )
        except DjangoValidationError as exc:
            raise as_drf_error(exc) from exc
        except ServiceError as exc:
            _raise_for(exc)
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
            _raise_for(exc)
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
            _raise_for(exc, forbidden=("taken", "wrong_email", "unverified"))
        return Response({"invitation": self.get_serializer(invitation).data, "chat_id": invitation.chat_id})


# --- Role requests ----------------------------------------------------------------------------------


class RoleRequestSerializer(serializers.ModelSerializer):
    """A role request and its decision."""

    user = serializers.CharField(source="user.username", read_only=True)
    reviewed_by = serializers.CharField(source="reviewed_by.username", read_only=True, default=None)

    class Meta:
        model = RoleChangeRequest
        fields = [
            "id", "user", "requested_role", "reason", "status", "admin_notes", "reviewed_by", "reviewed_at",
            "created_at",
        ]  # fmt: skip
        read_only_fields = ["id", "user", "status", "admin_notes", "reviewed_by", "reviewed_at", "created_at"]


class RoleRequestCreateSerializer(serializers.Serializer):
    requested_role = serializers.CharField(default="interviewer")
    reason = serializers.CharField(allow_blank=True, required=False, default="")


class RoleDecisionSerializer(serializers.Serializer):
    admin_notes = serializers.CharField(allow_blank=True, required=False, default="")


@extend_schema_view(
    list=extend_schema(summary="Your role requests (admins: all)", tags=["roles"]),
    retrieve=extend_schema(summary="One role request", tags=["roles"]),
)
class RoleRequestViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """Candidates request the interviewer role; admins approve or reject each request once."""

    serializer_class = RoleRequestSerializer
    lookup_value_regex = ID_PATH_REGEX
    queryset = RoleChangeRequest.objects.none()  # for the schema; get_queryset is per user

    def get_permissions(self) -> list[BasePermission]:
        if self.action in {"approve", "reject"}:
            return [IsAdminRole()]
        return [IsAuthenticated()]

    def get_queryset(self) -> QuerySet[RoleChangeRequest]:
        rows = RoleChangeRequest.objects.select_related("user", "reviewed_by")
        if not is_admin(self.request.user):
            rows = rows.filter(user=cast(User, self.request.user))  # IsAuthenticated
        wanted = self.request.query_params.get("status", "")
        if wanted in {code for code, _ in RoleChangeRequest.STATUS_CHOICES}:
            rows = rows.filter(status=wanted)
        return rows.order_by("-created_at", "-id")

    @extend_schema(request=RoleRequestCreateSerializer, responses={201: RoleRequestSerializer}, tags=["roles"])
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Request the interviewer role (candidates only; one pending request at a time)."""
        incoming = RoleRequestCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        try:
            created = role_request_create(user=request.user, **incoming.validated_data)
        except DjangoValidationError as exc:
            raise as_drf_error(exc) from exc
        except ServiceError as exc:
            _raise_for(exc, forbidden=("not_candidate",))
        return Response(self.get_serializer(created).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=RoleDecisionSerializer, responses={200: RoleRequestSerializer}, tags=["roles"])
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str | None = None) -> Response:
        """Approve a pending request: the user's role changes in the same transaction."""
        return self._decide(request, pk, RoleChangeRequest.APPROVED)

    @extend_schema(request=RoleDecisionSerializer, responses={200: RoleRequestSerializer}, tags=["roles"])
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, pk: str | None = None) -> Response:
        """Reject a pending request; the user's role stays."""
        return self._decide(request, pk, RoleChangeRequest.REJECTED)

    def _decide(self, request: Request, pk: str | None, decision: str) -> Response:
        incoming = RoleDecisionSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        try:
            decided = role_request_decide_one(
                request_id=int(pk or 0),
                decision=decision,
                reviewer=request.user,
                notes=incoming.validated_data["admin_notes"],
                now=timezone.now(),
            )
        except DjangoValidationError as exc:
            raise as_drf_error(exc) from exc
        except ServiceError as exc:
            _raise_for(exc)
        return Response(self.get_serializer(decided).data)
