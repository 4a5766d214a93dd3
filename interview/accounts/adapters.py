"""Our hooks into django-allauth: client addresses, throttling keys, messages, profiles and provider errors."""

from __future__ import annotations

import logging
from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialLogin
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse

from interview.accounts.email_verification import NEXT_SESSION_KEY
from interview.accounts.signals import login_locked_out, social_login_failed
from interview.accounts.throttling import client_ip, login_throttle_key
from interview.models import UserProfile

logger = logging.getLogger(__name__)

EMAIL_IN_USE = "An account with this email already exists."
USERNAME_WITH_AT = "Usernames cannot contain “@”; use letters, digits and . + - _ only."
LOCKED_OUT = "Too many failed login attempts for this account or from this address. Try again in a few minutes."
WRONG_PASSWORD = "Please enter a correct username or email and password. The password is case-sensitive."
PROVIDER_FAILED = "Sign-in with {provider} did not complete: {reason} No account was created or changed; try again."


class AccountAdapter(DefaultAccountAdapter):
    """Local accounts: our wording, our client address, and one throttling key per account."""

    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "email_taken": EMAIL_IN_USE,
        "too_many_login_attempts": LOCKED_OUT,
        "email_password_mismatch": WRONG_PASSWORD,
        "username_password_mismatch": WRONG_PASSWORD,
    }

    def get_client_ip(self, request: HttpRequest) -> str:
        """The address rate limits count: never X-Forwarded-For read here (the proxy middleware resolved it)."""
        ip = client_ip(request)
        if not ip:
            raise PermissionDenied("Unable to determine the client address.")
        return ip

    def _get_login_attempts_cache_key(self, request: HttpRequest, **credentials: Any) -> str:
        """Failed logins are counted per account, whichever of its username or email was typed."""
        return login_throttle_key(credentials.get("email") or credentials.get("username") or "")

    def login(self, request: HttpRequest, user: Any) -> None:
        """Log in, in one transaction; a user not authenticated by a password (a provider, a second factor)
        gets the backend path sessions store (allauth would name the class's module, which
        AUTHENTICATION_BACKENDS lacks)."""
        if not hasattr(user, "backend"):
            user.backend = settings.AUTHENTICATION_BACKENDS[0]
        with transaction.atomic():  # last_login and the login's audit event commit together (every path)
            super().login(request, user)

    def get_email_verification_redirect_url(self, email_address: Any) -> str:
        """After confirming an address, continue where the user was going when they asked for the link."""
        next_url = self.request.session.pop(NEXT_SESSION_KEY, "") if hasattr(self, "request") else ""
        return next_url or reverse("email_verify")

    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        """allauth's check of the failed-login allowance; a refusal is announced (login_locked_out)."""
        try:
            super().pre_authenticate(request, **credentials)
        except ValidationError:
            identifier = credentials.get("email") or credentials.get("username") or ""
            login_locked_out.send(sender=self.__class__, request=request, identifier=identifier)
            raise

    def clean_username(self, username: str, shallow: bool = False) -> str:
        """The login form treats an identifier with an “@” as an email address, so usernames have none."""
        if "@" in username:
            raise ValidationError(USERNAME_WITH_AT, code="username_with_at")
        return super().clean_username(username, shallow=shallow)


def _provider_name(provider: Any) -> str:
    return str(getattr(provider, "name", None) or getattr(provider, "id", "the provider"))


def _failure_reason(error: Any, exception: Any) -> str:
    if error == "cancelled":
        return "it was cancelled."
    if exception is not None and "timed out" in str(exception).lower():
        return "the provider did not answer in time."
    if exception is not None and exception.__class__.__name__ in {"ConnectionError", "ConnectTimeout", "ReadTimeout"}:
        return "the provider could not be reached."
    return "the provider's answer could not be verified."


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """Provider logins: the new user's profile names its provider; failures land on the login page."""

    def save_user(self, request: HttpRequest, sociallogin: SocialLogin, form: Any = None) -> Any:
        """Create the user from a provider's answer; its candidate profile records the provider's id."""
        user = super().save_user(request, sociallogin, form=form)
        # Through the cached instance: the user's later saves (last_login) save their cached profile too.
        profile = UserProfile.objects.get_or_create(user=user)[0]
        profile.auth_provider = sociallogin.account.provider[:50]
        profile.save(update_fields=["auth_provider", "updated_at"])
        user.profile = profile
        return user

    def on_authentication_error(
        self,
        request: HttpRequest,
        provider: Any,
        error: Any = None,
        exception: Any = None,
        extra_context: Any = None,
    ) -> None:
        """Any failed provider round trip: log it, say why on the login page, create nothing."""
        logger.warning("Social login with %s failed: %s %r", getattr(provider, "sub_id", "?"), error, exception)
        social_login_failed.send(
            sender=self.__class__,
            request=request,
            provider_id=getattr(provider, "sub_id", None) or getattr(provider, "id", ""),
            error=error,
            exception=exception,
        )
        reason = _failure_reason(error, exception)
        messages.error(request, PROVIDER_FAILED.format(provider=_provider_name(provider), reason=reason))
        raise ImmediateHttpResponse(HttpResponseRedirect(reverse("login")))
