"""The quota API: GET /api/me/quota/ (docs/operations.md "Quotas and spending cap")."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from interview.usage.quotas import daily_quota, iso

QuotaSerializer = inline_serializer(
    "Quota",
    {
        "used": serializers.IntegerField(help_text="Tokens charged to you today (estimated counts included)."),
        "budget": serializers.IntegerField(allow_null=True, help_text="Your daily budget; null: unlimited."),
        "remaining": serializers.IntegerField(allow_null=True, help_text="What is left today; null: unlimited."),
        "resets_at": serializers.DateTimeField(help_text="The next midnight in the server's TIME_ZONE, in UTC."),
    },
)


class QuotaAPIView(APIView):
    """Your daily AI token budget: used today, the budget, what is left and when it resets."""

    @extend_schema(responses={200: QuotaSerializer}, tags=["auth"])
    def get(self, request: Request) -> Response:
        quota = daily_quota(request.user, now=timezone.now())
        return Response(
            {
                "used": quota.used,
                "budget": quota.budget,
                "remaining": quota.remaining,
                "resets_at": iso(quota.resets_at),
            }
        )
