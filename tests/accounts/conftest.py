"""Fixtures of the sign-in tests: the fake OpenID Connect provider configured as OIDC_PROVIDERS."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
import requests
from django.core.cache import cache

from tests.fakes.oidc_provider import fake_oidc  # noqa: F401  (fixture)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counts and used TOTP codes live in the cache: every test starts with none."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def oidc(settings, fake_oidc):  # noqa: F811  (the fixture imported above)
    """The fake provider configured as the one entry of OIDC_PROVIDERS, with a short timeout."""
    settings.SOCIALACCOUNT_PROVIDERS = {
        **settings.SOCIALACCOUNT_PROVIDERS,
        "openid_connect": {"APPS": [fake_oidc.app()], "OAUTH_PKCE_ENABLED": True},
    }
    settings.SOCIALACCOUNT_REQUESTS_TIMEOUT = 1
    return fake_oidc


def provider_round_trip(client, start_url: str):
    """POST the login button, follow the redirect to the fake's authorize endpoint over real HTTP, and
    bring its answer back to our callback; returns (our callback's response, the callback URL)."""
    started = client.post(start_url)
    assert started.status_code == 302, started.content[:500]
    answer = requests.get(started.url, allow_redirects=False, timeout=5)
    parts = urlsplit(answer.headers["Location"])
    callback = f"{parts.path}?{parts.query}"
    return client.get(callback), callback


@pytest.fixture
def round_trip():
    return provider_round_trip
