"""allauth's own account signals (sent by its sign-up, password change and reset views) are audited."""

from __future__ import annotations

import pytest
from allauth.account import signals
from django.contrib.auth import get_user_model
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.db import SessionStore
from django.test import RequestFactory

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
