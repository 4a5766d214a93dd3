"""Account pages: allauth's sign-in (under our old addresses where they differ), role requests, verification.

Every allauth view that changes an account and sends the signal the audit log answers in separate steps
(sign-up, password change, set and reset, a provider's callback that signs up or links an account,
TOTP removal) is served here inside one transaction (`_atomic`), ahead of `include("allauth.urls")` at
the same address and under the same name; otherwise a failed audit insert would leave the change saved
and unrecorded (docs/operations.md, "Audit log"). TOTP activation is atomic in allauth already, and
every login is (AccountAdapter.login). A provider's callback holds its transaction open while it asks
the provider for the token (at most SOCIALACCOUNT_REQUESTS_TIMEOUT seconds per call).
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from allauth.account import views as allauth_views
from allauth.mfa.totp import views as totp_views
from allauth.socialaccount import views as social_views
from allauth.socialaccount.providers.github import views as github_views
from allauth.socialaccount.providers.google import views as google_views
from allauth.socialaccount.providers.microsoft import views as microsoft_views
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.urls import include, path, re_path
from django.views.generic import RedirectView

from interview.accounts import oidc, views
from interview.accounts.consent_views import consent_page

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def _atomic(view: Callable[..., HttpResponse], *, get_too: bool = False) -> Callable[..., HttpResponse]:
    """`view` with a POST (and with `get_too`, every request: a provider's callback is a GET) run in
    one transaction: the account change and its audit events commit together or not at all."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method in SAFE_METHODS and not get_too:
            return view(request, *args, **kwargs)
        with transaction.atomic():
            return view(request, *args, **kwargs)

    wrapped.account_change_atomic = True  # type: ignore[attr-defined]  # (tests/audit check it is in place)
    return wrapped


def _callback(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    return _atomic(view, get_too=True)


urlpatterns = [
    # Our names and addresses, served by allauth's views (templates: templates/account/).
    path("accounts/register/", _atomic(allauth_views.signup), name="register"),
    path("accounts/signup/", RedirectView.as_view(pattern_name="register", query_string=True)),
    path("accounts/login/", _atomic(allauth_views.login), name="login"),
    path("accounts/logout/", allauth_views.logout, name="logout"),
    path(
        "accounts/password/",
        RedirectView.as_view(pattern_name="account_change_password", query_string=True),
        name="password_change",
    ),
    path("accounts/password/done/", views.password_change_done, name="password_change_done"),
    # allauth's own addresses, in a transaction (see the module's docstring); its names still reverse here.
    path("accounts/password/change/", _atomic(allauth_views.password_change)),
    path("accounts/password/set/", _atomic(allauth_views.password_set)),
    re_path(
        r"^accounts/password/reset/key/(?P<uidb36>[0-9A-Za-z]+)-(?P<key>.+)/$",
        _atomic(allauth_views.password_reset_from_key),
    ),
    path("accounts/3rdparty/signup/", _atomic(social_views.signup)),
    path("accounts/2fa/totp/deactivate/", _atomic(totp_views.deactivate_totp)),
    path("accounts/google/login/callback/", _callback(google_views.oauth2_callback)),
    path("accounts/github/login/callback/", _callback(github_views.oauth2_callback)),
    path("accounts/microsoft/login/callback/", _callback(microsoft_views.oauth2_callback)),
    # Every OpenID Connect provider of OIDC_PROVIDERS, with the ID token's signature always checked.
    path("accounts/oidc/<str:provider_id>/login/", oidc.oidc_login, name="openid_connect_login"),
    path(
        "accounts/oidc/<str:provider_id>/login/callback/",
        _callback(oidc.oidc_callback),
        name="openid_connect_callback",
    ),
    path("accounts/verify-email/", views.email_verify, name="email_verify"),
    path("accounts/verify-email/<str:token>/", views.email_verify_confirm, name="email_verify_confirm"),
    path("accounts/", include("allauth.urls")),
    path("account/consent/", consent_page, name="account_consent"),
    path("roles/request/", views.role_request, name="role_request"),
    path("roles/requests/", views.role_request_admin, name="role_request_admin"),
    path("roles/requests/<int:request_id>/decide/", views.role_request_decision, name="role_request_decision"),
]
