"""Journey: sign in through an OpenID Connect provider (the fake one, over real HTTP), and an interviewer
made to set up two-factor authentication at their first login, then signing in with a code.

This journey runs its own daphne, with the fake provider in OIDC_PROVIDERS and MFA_REQUIRED_ROLES at its
deployed default, instead of the package's shared site.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import struct
import time
import uuid
from types import SimpleNamespace

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import PASSWORD, person
from tests.fakes.oidc_provider import FakeOIDCProvider
from tests.live.server import DaphneProcess

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def totp(secret: str) -> str:
    """RFC 6238 with SHA-1, 30-second steps and 6 digits, computed here rather than by the server's code."""
    key = base64.b32decode(secret.upper() + "=" * (-len(secret) % 8))
    digest = hmac.new(key, struct.pack(">Q", int(time.time() // 30)), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    return f"{(struct.unpack('>I', digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 1_000_000:06d}"


@pytest.fixture(scope="module")
def oidc_provider():
    provider = FakeOIDCProvider().start()
    yield provider
    provider.stop()


@pytest.fixture(scope="module")
def oidc_server(django_db_setup, oidc_provider):
    env = {
        "OIDC_PROVIDERS": json.dumps([oidc_provider.app(name="Acme Identity")]),
        "CHANNEL_PREFIX": f"e2e-oidc-{uuid.uuid4().hex[:8]}",
    }
    server = DaphneProcess(env=env).start()
    yield server
    server.stop()


@pytest.fixture
def site(oidc_server):
    """This module's own site (the `journey` fixture opens its pages)."""
    return SimpleNamespace(url=oidc_server.http)


def test_oidc_journey_provider_login_then_forced_mfa(journey, oidc_provider):
    from django.contrib.auth import get_user_model

    # A candidate signs in with the company's identity provider: a new account, named by the provider.
    page = journey.page()
    page.goto("/accounts/login/")
    provider_link = page.get_by_role("link", name="Acme Identity")
    expect(provider_link).to_be_visible()
    journey.shot(page, "login-page-with-providers")
    provider_link.click()
    journey.shot(page, "provider-confirm")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".nav-user")).to_contain_text("Candidate")
    journey.shot(page, "signed-in-through-provider")
    user = get_user_model().objects.get(email=oidc_provider.identity.email)
    assert user.profile.auth_provider == "fake"

    # An interviewer signs in with a password and must set up an authenticator app first.
    person("ivy", role="interviewer")
    staff = journey.page()
    staff.goto("/accounts/login/")
    staff.get_by_label("Username or email").fill("ivy")
    staff.get_by_label("Password").fill(PASSWORD)
    staff.get_by_role("button", name="Log in").click()
    staff.get_by_label("Password").fill(PASSWORD)  # allauth asks again before adding a second factor
    staff.get_by_role("button", name="Confirm").click()
    expect(staff.get_by_role("heading", name="Activate Authenticator App")).to_be_visible()
    journey.shot(staff, "mfa-setup-page")
    secret = staff.locator("#authenticator_secret").input_value()
    staff.get_by_label("Authenticator code").fill(totp(secret))
    staff.get_by_role("button", name="Activate").click()
    expect(staff.get_by_role("heading", name="Recovery Codes")).to_be_visible()
    journey.shot(staff, "mfa-recovery-codes")
    staff.goto("/")
    expect(staff.locator(".nav-user")).to_contain_text("Interviewer")
