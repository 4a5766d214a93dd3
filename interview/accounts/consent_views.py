"""The consent page (/account/consent/) and its API (GET/POST /api/me/consent/): docs/operations.md "Consent"."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from interview.accounts.consent import AGREED, DECLINED, consent_record, consent_state, llm_provider
from interview.core.errors import ServiceError
from interview.core.pages import safe_next_url


def consent_context(user: Any) -> dict[str, Any]:
    """The consent state and the provider it is about, as the page and the API show them."""
    provider = llm_provider()
    return {
        "state": consent_state(user),
        "provider": provider.label if provider else None,
        "provider_name": provider.name if provider else None,
        "host": provider.host if provider else None,
    }


@login_required
def consent_page(request: HttpRequest) -> HttpResponse:
    """Agree or decline to send documents and answers to the configured model; either can be changed later."""
    if request.method == "POST":
        choice = request.POST.get("agreed", "")
        if choice in ("yes", "no"):
            try:
                state = consent_record(user=request.user, agreed=choice == "yes", request=request)
            except ServiceError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, _DONE[state])
                return redirect(safe_next_url(request) or "account_consent")
        else:
            messages.error(request, "Choose whether to agree or decline.")
    context = {**consent_context(request.user), "next": safe_next_url(request)}
    return render(request, "account/consent.html", context)


_DONE = {
    AGREED: "Thank you: your documents and answers may now be sent to the AI model.",
    DECLINED: "Nothing of yours will be sent to the AI model. You can practise with the offline interviewer.",
}


class ConsentSerializer(serializers.Serializer):
    """Your answer: agree (true) or decline / withdraw (false)."""

    agreed = serializers.BooleanField()


class ConsentStateSerializer(serializers.Serializer):
    """Your consent for the configured model; `provider` is null (and `state` not_needed) when offline."""

    state = serializers.ChoiceField(choices=["not_needed", "agreed", "declined", "unasked"])
    agreed = serializers.BooleanField(allow_null=True)
    provider = serializers.CharField(allow_null=True)
    provider_name = serializers.CharField(allow_null=True)
    host = serializers.CharField(allow_null=True)


def _state_body(user: Any) -> dict[str, Any]:
    body = consent_context(user)
    body["agreed"] = {AGREED: True, DECLINED: False}.get(body["state"])
    return body


class ConsentView(APIView):
    """GET your consent to send documents and answers to the configured model; POST {"agreed": true|false}."""

    @extend_schema(operation_id="me_consent_retrieve", responses=ConsentStateSerializer, tags=["auth"])
    def get(self, request: Request) -> Response:
        return Response(_state_body(request.user))

    @extend_schema(
        operation_id="me_consent_update",
        request=ConsentSerializer,
        responses={200: ConsentStateSerializer},
        tags=["auth"],
        description="400 `invalid` when no model is configured (nothing to agree to).",
    )
    def post(self, request: Request) -> Response:
        incoming = ConsentSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        try:
            consent_record(user=request.user, agreed=incoming.validated_data["agreed"], request=request)
        except ServiceError as exc:
            return Response({"detail": exc.message, "code": exc.code}, status=status.HTTP_400_BAD_REQUEST)
        return Response(_state_body(request.user))
