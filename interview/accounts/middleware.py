"""Sign-in middleware: MFA_REQUIRED_ROLES enforced (a session that logged in without a second factor
enrols before anything else), and providers' origins allowed as form targets on their login pages."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from allauth.socialaccount.adapter import get_adapter as get_social_adapter
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect

from interview.accounts.mfa import ENROLMENT_DUE_SESSION_KEY, mfa_enrolled, mfa_required_for
from interview.core.errors import ErrorCode
from live_interview.csp import HEADER, REPORT_ONLY_HEADER, policy_text

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


# Where each built-in provider's login form sends the browser (CSP form-action also covers redirects).
PROVIDER_AUTHORIZE_ORIGINS = {
    "google_login": ["https://accounts.google.com"],
    "github_login": ["https://github.com"],
    "microsoft_login": ["https://login.microsoftonline.com"],
}


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme in ("http", "https") and parts.netloc else ""


class ProviderFormActionMiddleware:
    """A provider's "Continue" page posts to us and is redirected to the provider: its CSP form-action
    must name the provider's origin (Chromium checks redirects too). Runs inside the CSP middleware,
    which keeps a policy a response already has."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        match = request.resolver_match
        if match is None or response.status_code != 200 or not settings.CONTENT_SECURITY_POLICY:
            return response
        origins = [
            *PROVIDER_AUTHORIZE_ORIGINS.get(match.url_name or "", []),
            *settings.SOCIALACCOUNT_FORM_ACTION_ORIGINS,
        ]
        if match.url_name == "openid_connect_login":
            origins.append(_oidc_origin(request, match.kwargs.get("provider_id", "")))
        if match.url_name in PROVIDER_AUTHORIZE_ORIGINS or match.url_name == "openid_connect_login":
            directives = dict(settings.CONTENT_SECURITY_POLICY)
            directives["form-action"] = list(
                dict.fromkeys([*directives.get("form-action", []), *filter(None, origins)])
            )
            header = REPORT_ONLY_HEADER if settings.CSP_REPORT_ONLY else HEADER
            response[header] = policy_text(directives, host=request.get_host(), secure=request.is_secure())
        return response


def _oidc_origin(request: HttpRequest, provider_id: str) -> str:
    """The origin of an OpenID Connect provider's server_url (its authorization endpoint is normally there)."""
    try:
        provider = get_social_adapter().get_provider(request, provider_id)
    except Exception:  # an unknown provider: its page is a 404 anyway
        return ""
    return _origin(str(provider.app.settings.get("server_url", "")))
