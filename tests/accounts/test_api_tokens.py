"""API tokens: revoked when credentials change, revocable on request, optionally expiring."""

from __future__ import annotations

from datetime import timedelta

import pytest
import yaml
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from interview.accounts.api_tokens import EXPIRED_MESSAGE
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"  # set by UserFactory
NEW_PASSWORD = "another-horse-staple-9"
User = get_user_model()


@pytest.fixture(autouse=True)
def _fresh_throttle():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def token(user):
    return Token.objects.create(user=user)


def _api(key: str | None = None) -> APIClient:
    api = APIClient()
    if key:
        api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return api


def _age(token: Token, days: float) -> None:
    Token.objects.filter(pk=token.pk).update(created=timezone.now() - timedelta(days=days))


# --- Revoked when credentials change ----------------------------------------------------------------


def test_token_deleted_on_set_password_and_save(token, user):
    user.set_password(NEW_PASSWORD)
    user.save()
    assert not Token.objects.filter(user=user).exists()


def test_token_deleted_on_password_change_view(client, token, user):
    client.force_login(user)
    data = {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    assert client.post(reverse("account_change_password"), data).status_code == 302
    assert not Token.objects.filter(user=user).exists()


def test_token_deleted_on_admin_password_change(admin_client, token, user):
    url = reverse("admin:auth_user_password_change", args=[user.pk])
    data = {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"}
    assert admin_client.post(url, data).status_code == 302
    assert not Token.objects.filter(user=user).exists()


def test_token_deleted_on_deactivation(token, user):
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert not Token.objects.filter(user=user).exists()


def test_token_kept_on_unrelated_save(token, user):
    user.email = "renamed@example.com"
    user.save()
    assert Token.objects.filter(user=user).exists()


def test_token_kept_on_login(client, token, user):
    client.post(reverse("login"), {"username": "candidate", "password": PASSWORD})
    assert Token.objects.filter(user=user).exists()


def test_token_refused_after_password_change(token, user):
    user.set_password(NEW_PASSWORD)
    user.save()
    assert _api(token.key).get(reverse("api-me")).status_code == 401


# --- POST /api/auth/token/revoke/ -------------------------------------------------------------------


def test_revoke_returns_204(token):
    assert _api(token.key).post(reverse("api-token-revoke")).status_code == 204


def test_revoke_refuses_the_token_afterwards(token):
    api = _api(token.key)
    api.post(reverse("api-token-revoke"))
    assert api.get(reverse("api-me")).status_code == 401


def test_revoke_leaves_other_users_tokens(token):
    other = Token.objects.create(user=UserFactory())
    _api(token.key).post(reverse("api-token-revoke"))
    assert Token.objects.filter(pk=other.pk).exists()


def test_revoke_anonymous_is_401(db):
    assert _api().post(reverse("api-token-revoke")).status_code == 401


def test_revoke_then_obtain_issues_a_new_token(token):
    _api(token.key).post(reverse("api-token-revoke"))
    response = _api().post(reverse("api-token"), {"username": "candidate", "password": PASSWORD}, format="json")
    assert response.status_code == 200 and response.json()["token"] != token.key


def test_revoke_in_schema(admin_client):
    schema = yaml.safe_load(admin_client.get(reverse("api-schema")).content)
    assert schema["paths"]["/api/auth/token/revoke/"]["post"]["operationId"] == "auth_token_revoke"


# --- API_TOKEN_TTL_DAYS -----------------------------------------------------------------------------


def test_ttl_zero_never_expires(settings, token):
    settings.API_TOKEN_TTL_DAYS = 0
    _age(token, 3650)
    assert _api(token.key).get(reverse("api-me")).status_code == 200


def test_ttl_token_within_lifetime_accepted(settings, token):
    settings.API_TOKEN_TTL_DAYS = 30
    _age(token, 29)
    assert _api(token.key).get(reverse("api-me")).status_code == 200


def test_ttl_older_token_refused_with_message(settings, token):
    settings.API_TOKEN_TTL_DAYS = 30
    _age(token, 31)
    response = _api(token.key).get(reverse("api-me"))
    assert response.status_code == 401 and response.json() == {"detail": EXPIRED_MESSAGE}


def test_ttl_obtain_replaces_expired_token(settings, token):
    settings.API_TOKEN_TTL_DAYS = 30
    _age(token, 31)
    response = _api().post(reverse("api-token"), {"username": "candidate", "password": PASSWORD}, format="json")
    fresh = response.json()["token"]
    assert fresh != token.key and _api(fresh).get(reverse("api-me")).status_code == 200
