"""Sign-in and account events through allauth's pages: login, logout, failed login, sign-up, password
change, and API tokens; each change and its event commit together (a refused audit insert undoes it)."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import DatabaseError
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from interview.accounts.api_tokens import api_tokens_revoke
from interview.audit.actions import AuditAction
from tests.audit.helpers import audit_inserts_refused, events, only_event, target_of

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"  # set by UserFactory
NEW_PASSWORD = "Quiet-Harbour-1987"
User = get_user_model()


@pytest.fixture(autouse=True)
def _fresh_throttle():
    cache.clear()
    yield
    cache.clear()


def _login(client, identifier, password=PASSWORD, **headers):
    return client.post(reverse("login"), {"login": identifier, "password": password}, **headers)


def test_login_writes_one_event_with_the_user_and_address(client, user):
    assert _login(client, user.username, HTTP_USER_AGENT="Probe/1.0").status_code == 302
    event = only_event(AuditAction.LOGIN)
    assert (event.actor_id, event.subject_id, (event.target_type, event.target_id)) == (
        user.pk, user.pk, target_of(user),
    )  # fmt: skip
    assert (event.ip, event.user_agent) == ("127.0.0.1", "Probe/1.0")


def test_login_by_email_writes_one_event_on_the_account(client, user):
    _login(client, user.email)
    assert only_event(AuditAction.LOGIN).subject_id == user.pk


def test_logout_writes_one_event(client, user):
    client.force_login(user)
    client.post(reverse("logout"))
    event = only_event(AuditAction.LOGOUT)
    assert (event.actor_id, event.target_id) == (user.pk, str(user.pk))


def test_failed_login_writes_one_event_on_the_named_account(client, user):
    _login(client, user.username, "wrong")
    event = only_event(AuditAction.LOGIN_FAILED)
    assert (event.actor_id, event.actor_label, event.subject_id, event.target_id) == (
        None, user.username, user.pk, str(user.pk),
    )  # fmt: skip
    assert "password" not in str(event.detail)


def test_failed_login_for_an_unknown_name_has_no_subject(client, db):
    _login(client, "nobody-here", "wrong")
    event = only_event(AuditAction.LOGIN_FAILED)
    assert (event.subject_id, event.actor_label) == (None, "nobody-here")


def test_failed_login_by_email_names_the_account(client, user):
    _login(client, user.email.upper(), "wrong")
    assert only_event(AuditAction.LOGIN_FAILED).subject_id == user.pk


def _signup(client):
    data = {"username": "newbie", "email": "newbie@example.com", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    return client.post(reverse("register"), data)


def test_signup_writes_one_event(client, db):
    assert _signup(client).status_code == 302
    newbie = User.objects.get(username="newbie")
    event = only_event(AuditAction.SIGNUP)
    assert (event.actor_id, event.subject_id, event.target_id, event.detail) == (
        newbie.pk,
        newbie.pk,
        str(newbie.pk),
        {},
    )
    assert only_event(AuditAction.LOGIN).actor_id == newbie.pk  # signed up, then logged in


def test_signup_whose_event_fails_creates_no_account(client, db):
    with audit_inserts_refused(), pytest.raises(DatabaseError):
        _signup(client)
    assert not User.objects.filter(username="newbie").exists()


def _change_password(client):
    data = {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    return client.post(reverse("account_change_password"), data)


def test_password_change_writes_one_event(client, user):
    client.force_login(user)
    assert _change_password(client).status_code == 302
    event = only_event(AuditAction.PASSWORD_CHANGED)
    assert (event.actor_id, event.subject_id, event.target_id) == (user.pk, user.pk, str(user.pk))


def test_password_change_whose_event_fails_keeps_the_old_password(client, user):
    client.force_login(user)
    with audit_inserts_refused(), pytest.raises(DatabaseError):
        _change_password(client)
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_api_token_created_writes_one_event(user):
    response = APIClient().post(reverse("api-token"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 200
    event = only_event(AuditAction.API_TOKEN_CREATED)
    assert (event.actor_id, event.target_type, event.target_id) == (user.pk, "authtoken.token", str(user.pk))
    assert response.data["token"] not in str(event.__dict__)  # the secret is never stored


def test_api_token_issued_again_writes_no_second_event(user):
    for _ in range(2):
        APIClient().post(reverse("api-token"), {"username": user.username, "password": PASSWORD})
    assert len(events(AuditAction.API_TOKEN_CREATED)) == 1


def test_api_token_revoked_writes_one_event(user):
    token = Token.objects.create(user=user)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert api.post(reverse("api-token-revoke")).status_code == 204
    event = only_event(AuditAction.API_TOKEN_REVOKED)
    assert (event.actor_id, event.subject_id, event.target_id) == (user.pk, user.pk, str(user.pk))


def test_api_token_revoke_whose_event_fails_keeps_the_token(user):
    Token.objects.create(user=user)
    with audit_inserts_refused(), pytest.raises(DatabaseError):
        api_tokens_revoke(user_id=user.pk)
    assert Token.objects.filter(user=user).exists()


def test_login_whose_event_fails_leaves_last_login_unset(client, user):
    with audit_inserts_refused(), pytest.raises(DatabaseError):
        _login(client, user.username)
    user.refresh_from_db()
    assert user.last_login is None
