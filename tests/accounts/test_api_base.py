"""The REST API base: token login, /api/me/, the OpenAPI schema and the Swagger page."""

from __future__ import annotations

import re

import pytest
import yaml
from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.urls import reverse
from drf_spectacular.validation import validate_schema
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"  # set by UserFactory
ASSET_URL = re.compile(r'<(?:script|link)\b[^>]*\b(?:src|href)="([^"]+)"', re.IGNORECASE)


@pytest.fixture(autouse=True)
def _fresh_throttle():
    """Start each test with an empty throttle history (the token endpoint is rate-limited)."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api():
    return APIClient()


def _obtain(api, username, password=PASSWORD):
    return api.post(reverse("api-token"), {"username": username, "password": password}, format="json")


# --- POST /api/auth/token/ ----------------------------------------------------------------------


def test_token_with_username_returns_users_token(api, user):
    response = _obtain(api, "candidate")
    assert response.status_code == 200
    assert response.json()["token"] == Token.objects.get(user=user).key


def test_token_with_email_any_case(api, user):
    assert _obtain(api, "Candidate@Example.com").status_code == 200


def test_token_wrong_password_is_400(api, user):
    assert _obtain(api, "candidate", "wrong").status_code == 400


def test_token_is_stable_across_requests(api, user):
    assert _obtain(api, "candidate").json() == _obtain(api, "candidate").json()


def test_token_needs_no_csrf_for_logged_in_browser(user):
    browser = APIClient(enforce_csrf_checks=True)
    browser.force_login(user)
    assert _obtain(browser, "candidate").status_code == 200


def test_token_throttled_after_many_attempts(api, user):
    statuses = {_obtain(api, "candidate", "wrong").status_code for _ in range(21)}
    assert 429 in statuses


# --- GET /api/me/ -------------------------------------------------------------------------------


def test_me_with_token_header(api, user):
    token = _obtain(api, "candidate").json()["token"]
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api.get(reverse("api-me")).json() == {
        "id": user.pk,
        "username": "candidate",
        "email": "candidate@example.com",
        "role": "candidate",
    }


def test_me_with_session(api, interviewer):
    api.force_login(interviewer)
    assert api.get(reverse("api-me")).json()["role"] == "interviewer"


def test_me_superuser_role_is_admin(api, admin_user):
    api.force_login(admin_user)
    assert api.get(reverse("api-me")).json()["role"] == "admin"


def test_me_anonymous_refused(api):
    assert api.get(reverse("api-me")).status_code in {401, 403}


def test_me_bad_token_refused(api):
    api.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    assert api.get(reverse("api-me")).status_code in {401, 403}


# --- Schema and docs ----------------------------------------------------------------------------


def test_schema_is_valid_openapi(client):
    response = client.get(reverse("api-schema"))
    assert response.status_code == 200
    validate_schema(yaml.safe_load(response.content))


def test_schema_documents_base_endpoints(client):
    paths = yaml.safe_load(client.get(reverse("api-schema")).content)["paths"]
    assert {"/api/auth/token/", "/api/me/"} <= set(paths)


def test_docs_page_loads(client):
    assert client.get(reverse("api-docs")).status_code == 200


def test_docs_assets_are_local(client):
    html = client.get(reverse("api-docs")).content.decode()
    urls = ASSET_URL.findall(html)
    assert urls
    assert not [url for url in urls if re.match(r"^(https?:)?//", url)]


def test_docs_assets_exist_in_static_files(client, settings):
    html = client.get(reverse("api-docs")).content.decode()
    static_prefix = "/" + settings.STATIC_URL.lstrip("/")
    for url in ASSET_URL.findall(html):
        if url.startswith(reverse("api-docs")):
            continue  # the page's own init script (below), not a static file
        assert finders.find(url.removeprefix(static_prefix)), url


def test_docs_page_has_no_inline_script_or_style(client):
    html = client.get(reverse("api-docs")).content.decode()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>|<style\b", html)


def test_docs_init_script_is_served_as_javascript(client):
    response = client.get(reverse("api-docs") + "?script=")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/javascript")
