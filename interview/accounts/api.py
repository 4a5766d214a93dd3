"""API endpoints of the base: obtain and revoke a token, and who am I."""

from __future__ import annotations

from typing import cast

from django.contrib.auth.models import AbstractBaseUser, User
from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from interview.accounts.api_tokens import api_token_issue, api_tokens_revoke
from interview.accounts.permissions import role_of
from interview.models import UserProfile


class TokenRequestSerializer(AuthTokenSerializer):
    """A username or email address and its password (the login backend accepts either)."""

    username = serializers.CharField(label="Username or email", write_only=True)
    token = None  # type: ignore[assignment]  # None removes the parent's field; the response has its own serializer


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


class TokenThrottle(AnonRateThrottle):
    """Slow down password guessing through the token endpoint (per client IP)."""

    scope = "auth_token"
    rate = "20/minute"


class ObtainTokenView(ObtainAuthToken):
    """Exchange a username (or email) and password for the user's API token."""

    # Credentials are the whole point: no session (and so no CSRF check) is involved.
    authentication_classes = ()
    throttle_classes = (TokenThrottle,)
    serializer_class = TokenRequestSerializer

    @extend_schema(
        operation_id="auth_token_create",
        request=TokenRequestSerializer,
        responses={200: TokenSerializer},
        auth=[],
        tags=["auth"],
    )
    def post(self, request: Request, *args: object, **kwargs: object) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        token = api_token_issue(user=serializer.validated_data["user"], now=timezone.now())
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
