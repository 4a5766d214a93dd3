"""REST API for personal data: POST/GET /api/me/export/ and DELETE /api/me/."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from interview.accounts.api import MeView
from interview.core.errors import ErrorCode, ServiceError
from interview.privacy.selectors import export_latest, export_status
from interview.privacy.services import ExportRateLimited, account_erase_self, export_request

EXPORT = inline_serializer(
    "DataExportStatus",
    {
        "id": serializers.IntegerField(),
        "status": serializers.CharField(),
        "created_at": serializers.DateTimeField(),
        "completed_at": serializers.DateTimeField(allow_null=True),
        "expires_at": serializers.DateTimeField(allow_null=True),
        "downloaded_at": serializers.DateTimeField(allow_null=True),
        "error": serializers.CharField(),
    },
)


class ExportAPIView(APIView):
    """GET the latest export's status; POST to ask for a new one (202; 429 with Retry-After within a day)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: EXPORT}, tags=["privacy"])
    def get(self, request: Request) -> Response:
        return Response(export_status(export_latest(request.user)))

    @extend_schema(
        request=None,
        responses={
            202: EXPORT,
            429: OpenApiResponse(description='{"code": "export_rate_limited"}: one export a day; see Retry-After'),
        },
        tags=["privacy"],
    )
    def post(self, request: Request) -> Response:
        try:
            export = export_request(user=request.user)
        except ExportRateLimited as exc:
            body = {"detail": exc.message, "code": exc.code, "retry_after": exc.retry_after}
            return Response(
                body, status=status.HTTP_429_TOO_MANY_REQUESTS, headers={"Retry-After": str(exc.retry_after)}
            )
        export.refresh_from_db()
        return Response(export_status(export), status=status.HTTP_202_ACCEPTED)


class MeAPIView(MeView):
    """GET who the caller is (interview.accounts.api.MeView); DELETE the caller's account (body: {"password": ...}; an account without one needs a login in the last 10 minutes)."""

    @extend_schema(
        operation_id="me_destroy",
        request=inline_serializer("AccountErase", {"password": serializers.CharField(required=False)}),
        responses={
            204: OpenApiResponse(description="Erased"),
            400: OpenApiResponse(description='{"code": "wrong_password" | "login_not_fresh"}: nothing was erased'),
        },
        tags=["privacy"],
    )
    def delete(self, request: Request) -> Response:
        password = request.data.get("password", "") if hasattr(request.data, "get") else ""
        try:
            account_erase_self(user=request.user, password=str(password or ""), request=request)
        except ServiceError as exc:
            code = status.HTTP_403_FORBIDDEN if exc.code == ErrorCode.LOGIN_NOT_FRESH else status.HTTP_400_BAD_REQUEST
            return Response({"detail": exc.message, "code": exc.code}, status=code)
        if hasattr(request, "_request") and hasattr(request._request, "session"):
            request._request.session.flush()
        return Response(status=status.HTTP_204_NO_CONTENT)
