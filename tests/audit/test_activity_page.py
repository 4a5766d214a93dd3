"""The account activity page: a user's own account events, nobody else's."""

from __future__ import annotations

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.core.cache import cache
from django.urls import reverse

from interview.audit.actions import AuditAction
from interview.audit.services import audit_record
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

URL = reverse("account_activity")


def test_activity_page_shows_the_users_own_events(client, user):
    audit_record(actor=user, action=AuditAction.PASSWORD_CHANGED, target=user)
    client.force_login(user)
    body = client.get(URL).content.decode()
    assert "Password changed" in body and "Logged in" in body  # force_login is a login too


def test_activity_page_hides_other_users_events(client, user):
    other = UserFactory(username="someone_else")
    audit_record(actor=other, action=AuditAction.PASSWORD_CHANGED, target=other)
    audit_record(actor=other, action=AuditAction.API_TOKEN_CREATED, target=other, request=None)
    client.force_login(user)
    body = client.get(URL).content.decode()
    assert "Password changed" not in body and "API token created" not in body and "someone_else" not in body


def test_activity_page_shows_an_export_of_the_users_report_by_someone_else(client, user, interviewer):
    audit_record(actor=interviewer, action=AuditAction.REPORT_EXPORTED, subject=user, detail={"format": "pdf"})
    client.force_login(user)
    body = client.get(URL).content.decode()
    assert "Report exported (PDF)" in body and interviewer.username in body


def test_activity_page_shows_a_failed_login_on_the_account(client, user):
    client.post(reverse("login"), {"login": user.username, "password": "wrong"})
    client.force_login(user)
    body = client.get(URL).content.decode()
    assert "Failed login" in body and "someone not signed in" in body


def test_activity_page_shows_a_lockout_of_the_account(client, user, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login_failed": "1/m/ip,1/5m/key"}
    cache.clear()
    for _ in range(2):
        client.post(reverse("login"), {"login": user.username, "password": "wrong"})
    cache.clear()
    client.force_login(user)
    assert "Locked out" in client.get(URL).content.decode()


def test_activity_page_shows_second_factor_and_linked_account_events(client, user):
    TOTP.activate(user, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")  # recorded by the model's save
    audit_record(actor=user, action=AuditAction.SOCIAL_LINKED, target=user, detail={"provider": "fake"})
    client.force_login(user)
    body = client.get(URL).content.decode()
    assert "Two-factor enrolled" in body and "Social account linked" in body


def test_activity_page_is_linked_from_every_page(client, user):
    client.force_login(user)
    assert f'href="{URL}"' in client.get(reverse("home")).content.decode()


def test_activity_page_sends_anonymous_visitors_to_login(client, db):
    response = client.get(URL)
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
