"""Fixtures of the audit tests: throttling counts cleared, and the fake OpenID Connect provider configured."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from tests.fakes.oidc_provider import fake_oidc  # noqa: F401  (fixture)


@pytest.fixture
def fresh_cache():
    """Failed-login counts and used TOTP codes live in the cache: a sign-in test starts with none."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def oidc(settings, fake_oidc, fresh_cache):  # noqa: F811  (the fixture imported above)
    """The fake provider as the one entry of OIDC_PROVIDERS (login starts at /accounts/oidc/fake/login/)."""
    settings.SOCIALACCOUNT_PROVIDERS = {
        **settings.SOCIALACCOUNT_PROVIDERS,
        "openid_connect": {"APPS": [fake_oidc.app()], "OAUTH_PKCE_ENABLED": True},
    }
    settings.SOCIALACCOUNT_REQUESTS_TIMEOUT = 1
    return fake_oidc
