"""Every sign-in page allauth serves is ours: our layout, no inline script or style (the CSP forbids them)."""

from __future__ import annotations

import re

import pytest
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP
from django.urls import reverse

pytestmark = pytest.mark.django_db

ANONYMOUS_PAGES = [
    "/accounts/login/",
    "/accounts/register/",
    "/accounts/password/reset/",
    "/accounts/password/reset/done/",
    "/accounts/password/reset/key/1-bad/",
    "/accounts/confirm-email/bad-key/",
    "/accounts/3rdparty/login/cancelled/",
    "/accounts/3rdparty/login/error/",
]
USER_PAGES = [
    "/accounts/logout/",
    "/accounts/password/change/",
    "/accounts/email/",
    "/accounts/reauthenticate/",
    "/accounts/3rdparty/",
    "/accounts/2fa/",
    "/accounts/2fa/totp/activate/",
]
ENROLLED_PAGES = ["/accounts/2fa/", "/accounts/2fa/recovery-codes/", "/accounts/2fa/totp/deactivate/"]
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I)


def _is_ours(response) -> bool:
    page = response.content.decode()
    return (
        response.status_code in (200, 401)  # the provider-error page is a 401
        and 'class="site-header"' in page
        and "style=" not in page
        and not INLINE_SCRIPT.search(page)
        and "<style" not in page
    )


def _fresh_password_login(client, user):
    """A real login (allauth records it), then the password again: pages that need a recent one open."""
    client.post(reverse("login"), {"login": user.username, "password": "correct-horse-battery"})
    client.post(reverse("account_reauthenticate"), {"password": "correct-horse-battery"})


@pytest.mark.parametrize("path", ANONYMOUS_PAGES)
def test_templates_anonymous_page_is_ours(client, path):
    assert _is_ours(client.get(path, follow=True))


@pytest.mark.parametrize("path", USER_PAGES)
def test_templates_user_page_is_ours(client, user, path):
    _fresh_password_login(client, user)
    assert _is_ours(client.get(path))


@pytest.mark.parametrize("path", ENROLLED_PAGES)
def test_templates_enrolled_page_is_ours(client, user, path):
    TOTP.activate(user, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    RecoveryCodes.activate(user)
    client.force_login(user)
    client.post(reverse("account_reauthenticate"), {"password": "correct-horse-battery"})
    assert _is_ours(client.get(path, follow=True))


def test_templates_mfa_authenticate_page_is_ours(client, user):
    TOTP.activate(user, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    client.post(reverse("login"), {"login": user.username, "password": "correct-horse-battery"})
    assert _is_ours(client.get(reverse("mfa_authenticate")))


def test_templates_inline_script_detector_finds_one():
    assert INLINE_SCRIPT.search("<p><script>alert(1)</script>")
    assert not INLINE_SCRIPT.search('<script src="/static/x.js"></script><script type="application/json">{}</script>')
