"""allauth's own account signals (sent by its sign-up, password change and reset views) are audited."""

from __future__ import annotations

import pytest
from allauth.account import signals
from django.contrib.auth import get_user_model
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.db import SessionStore
from django.test import RequestFactory
from django.urls import resolve, reverse

from interview.audit.actions import AuditAction
from tests.audit.helpers import only_event

pytestmark = pytest.mark.django_db


def allauth_request(user):
    """A request as allauth's views have it: a session and messages (the sign-up receivers add one)."""
    request = RequestFactory().post("/accounts/", REMOTE_ADDR="203.0.113.9", HTTP_USER_AGENT="Probe/3")
    request.user = user
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    return request


@pytest.mark.parametrize(
    ("signal", "action"),
    [
        (signals.user_signed_up, AuditAction.SIGNUP),
        (signals.password_changed, AuditAction.PASSWORD_CHANGED),
        (signals.password_set, AuditAction.PASSWORD_CHANGED),
        (signals.password_reset, AuditAction.PASSWORD_RESET),
    ],
)
def test_allauth_account_signal_writes_one_event(user, signal, action):
    signal.send(sender=get_user_model(), request=allauth_request(user), user=user)
    event = only_event(action)
    assert (event.actor_id, event.target_id, event.ip, event.user_agent) == (
        user.pk, str(user.pk), "203.0.113.9", "Probe/3",
    )  # fmt: skip


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [
        ("account_login", {}),
        ("account_signup", {}),
        ("account_change_password", {}),
        ("account_set_password", {}),
        ("account_reset_password_from_key", {"uidb36": "1", "key": "set-password"}),
        ("socialaccount_signup", {}),
        ("mfa_deactivate_totp", {}),
        ("google_callback", {}),
        ("github_callback", {}),
        ("microsoft_callback", {}),
        ("openid_connect_callback", {"provider_id": "any"}),
    ],
)
def test_allauth_views_that_change_an_account_are_served_in_a_transaction(name, kwargs):
    """Our wrapper (interview/accounts/urls.py) answers at allauth's own address, ahead of allauth's view:
    an allauth upgrade that moves one would otherwise drop the event's transaction silently."""
    path = reverse(name, kwargs=kwargs)
    match = resolve(path if name != "account_signup" else reverse("register"))
    assert getattr(match.func, "account_change_atomic", False), path
