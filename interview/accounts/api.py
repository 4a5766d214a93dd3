"""API endpoints of accounts: obtain and revoke a token, who am I, and role requests.

Role requests: a candidate requests the interviewer role; admins decide each request once. A
request already decided is a 409.
"""

from __future__ import annotations

from typing import Any, cast

from django.contrib.auth.models import AbstractBaseUser, User
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import APIException, PermissionDenied
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from interview.accounts.adapters import LOCKED_OUT
from interview.accounts.api_tokens import api_token_issue, api_tokens_revoke
from interview.accounts.mfa import mfa_token_check
from interview.accounts.permissions import IsAdminRole, is_admin, role_of
from interview.accounts.roles import role_request_create, role_request_decide_one
from interview.accounts.throttling import LoginLockedOut, login_authenticate, login_request_allowed
from interview.core.api_fields import as_drf_error, raise_for_service_error
from interview.core.errors import ErrorCode, ServiceError
from interview.core.ids import ID_PATH_REGEX
from interview.models import RoleChangeRequest, UserProfile

# --- Tokens and identity ----------------------------------------------------------------------------


class TokenRequestSerializer(serializers.Serializer):
    """A username or email address and its password (the login backend accepts either)."""

    username = serializers.CharField(label="Username or email", write_only=True, max_length=254)
    password = serializers.CharField(write_only=True, trim_whitespace=False, style={"input_type": "password"})
    code = serializers.CharField(
        write_only=True,
        required=False,
        default="",
        allow_blank=True,
        max_length=64,
        help_text="For an account with two-factor authentication: a current authenticator code or a recovery code.",
    )


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(read_only=True, help_text="Send as the header `Authorization: Token <token>`.")


class MeSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk", read_only=True)
    username = serializers.CharField(read_only=True)
    email = serializers.EmailField(read_only=True)
    role = serializers.SerializerMethodField()

    @extend_schema_field(serializers.ChoiceField(choices=UserProfile.ROLE_CHOICES))
    def get_role(self, user: AbstractBaseUser) -> str | None:
        return role_of(user)


TOO_MANY_REQUESTS = "Too many login requests from this address. Try again in a minute."


class LoginThrottled(APIException):
    """429 with Retry-After (DRF's handler sets it from `wait`) and a body of a message and an ErrorCode."""

    status_code = status.HTTP_429_TOO_MANY_REQUESTS

    def __init__(self, *, wait: int, message: str, code: str) -> None:
        super().__init__({"detail": message, "code": code})
        self.wait = wait


class ObtainTokenView(APIView):
    """Exchange a username (or email) and password for the user's API token.

    An account with two-factor authentication also sends `code`; one whose role requires it (MFA_REQUIRED_ROLES)
    and has none set up is refused (403 mfa_required). Failed attempts count against the same allowance as the login page (per account and per client
    address, ACCOUNT_RATE_LIMITS["login_failed"]): past it every attempt, right password included, is a
    429 with Retry-After until the window moves on.
    """

    # Credentials are the whole point: no session (and so no CSRF check) is involved.
    authentication_classes = ()
    permission_classes = ()
    serializer_class = TokenRequestSerializer

    @extend_schema(
        operation_id="auth_token_create",
        request=TokenRequestSerializer,
        responses={200: TokenSerializer, 400: None, 403: None, 429: None},
        auth=[],
        tags=["auth"],
    )
    def post(self, request: Request, *args: object, **kwargs: object) -> Response:
        serializer = TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        identifier, password = serializer.validated_data["username"], serializer.validated_data["password"]
        if not login_request_allowed(request._request):
            raise LoginThrottled(wait=60, message=TOO_MANY_REQUESTS, code=ErrorCode.RATE_LIMITED)
        try:
            user = login_authenticate(request._request, identifier=identifier, password=password)
        except LoginLockedOut as exc:
            raise LoginThrottled(wait=exc.retry_after, message=LOCKED_OUT, code=ErrorCode.LOGIN_LOCKED_OUT) from exc
        if user is None:
            raise serializers.ValidationError(
                {"non_field_errors": ["Unable to log in with provided credentials."]}, code="authorization"
            )
        try:
            mfa_token_check(user=user, code=serializer.validated_data["code"])
        except ServiceError as exc:
            raise PermissionDenied({"detail": exc.message, "code": exc.code}) from exc
        token = api_token_issue(user=user, now=timezone.now())
        return Response({"token": token.key})


class RevokeTokenView(APIView):
    """Revoke the caller's API token; the next call with it gets 401 (obtain a new one to continue)."""

    @extend_schema(operation_id="auth_token_revoke", request=None, responses={204: None}, tags=["auth"])
    def post(self, request: Request) -> Response:
        api_tokens_revoke(user_id=cast(User, request.user).pk)  # IsAuthenticated
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeView(APIView):
    """The authenticated user's identity and role."""

    @extend_schema(operation_id="me_retrieve", responses=MeSerializer, tags=["auth"])
    def get(self, request: Request) -> Response:
        return Response(MeSerializer(request.user).data)


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
            raise_for_service_error(exc, forbidden=("not_candidate",))
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
            raise_for_service_error(exc)
        return Response(self.get_serializer(decided).data)
