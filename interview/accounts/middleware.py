"""Enforce MFA_REQUIRED_ROLES: a session that logged in without a second factor enrols before anything else."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect

from interview.accounts.mfa import ENROLMENT_DUE_SESSION_KEY, mfa_enrolled, mfa_required_for
from interview.core.errors import ErrorCode

# Pages an enrolling user still needs: the MFA pages, verifying their email (allauth asks for it first),
# re-entering their password (allauth asks before adding an authenticator) and logging out.
ALLOWED_PREFIXES = (
    "/accounts/2fa/",
    "/accounts/email/",
    "/accounts/confirm-email/",
    "/accounts/reauthenticate/",
    "/accounts/logout/",
    "/static/",
    "/favicon.ico",
)
ENROL_MESSAGE = "Your role requires two-factor authentication: set up an authenticator app to continue."


class MfaEnrolmentMiddleware:
    """Runs on every request after authentication: redirect to TOTP activation while enrolment is due."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self._enrolment_due(request) and not request.path.startswith(ALLOWED_PREFIXES):
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": ENROL_MESSAGE, "code": ErrorCode.MFA_REQUIRED}, status=403)
            messages.warning(request, ENROL_MESSAGE)
            return redirect("mfa_activate_totp")
        return self.get_response(request)

    def _enrolment_due(self, request: HttpRequest) -> bool:
        session = getattr(request, "session", None)
        if session is None or not session.get(ENROLMENT_DUE_SESSION_KEY):
            return False
        user = request.user
        if user.is_authenticated and mfa_required_for(user) and not mfa_enrolled(user):
            return True
        session.pop(ENROLMENT_DUE_SESSION_KEY, None)
        return False
