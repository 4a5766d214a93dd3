"""Two-factor sign-in: enrolment forced for MFA_REQUIRED_ROLES, TOTP login with a code computed here
(RFC 6238), recovery codes usable once, and the Django admin behind the same login."""

from __future__ import annotations

import base64
import hashlib
import hmac
import struct
import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP
from django.urls import reverse
from rest_framework.test import APIClient

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery"
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
ACTIVATE = "/accounts/2fa/totp/activate/"


def totp(secret: str, *, at: float | None = None, step: int = 30, digits: int = 6) -> str:
    """RFC 6238: HOTP (RFC 4226) of the number of `step`-second periods since the epoch."""
    key = base64.b32decode(secret.upper() + "=" * (-len(secret) % 8))
    counter = int((time.time() if at is None else at) // step)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 10**digits:0{digits}d}"


def test_totp_matches_rfc_6238_test_vector():
    # RFC 6238 appendix B, SHA-1, T = 59 s: 94287082 (8 digits).
    secret = base64.b32encode(b"12345678901234567890").decode()
    assert totp(secret, at=59, digits=8) == "94287082"


def _login(client, username, password=PASSWORD):
    return client.post(reverse("login"), {"login": username, "password": password})


def _logged_in(client):
    """Whether the next request is authenticated (not just whether the session names a user)."""
    return client.get(reverse("api-me")).status_code != 401


def _reauthenticate(client, password=PASSWORD):
    """allauth asks for the password again before an authenticator is added."""
    return client.post(reverse("account_reauthenticate"), {"password": password})


def _with_totp(user):
    TOTP.activate(user, SECRET)
    return RecoveryCodes.activate(user)


# --- Enrolment forced by role -------------------------------------------------------------------


@pytest.mark.parametrize("role", ["interviewer", "admin"])
def test_mfa_required_role_is_sent_to_enrol_after_login(client, role):
    UserFactory(username="ivy", role=role)
    _login(client, "ivy")
    assert client.get(reverse("home")).url == ACTIVATE


def test_mfa_required_role_cannot_reach_other_pages_before_enrolling(client):
    UserFactory(username="ivy", role="interviewer")
    _login(client, "ivy")
    assert client.get(reverse("invitation_dashboard")).url == ACTIVATE


def test_mfa_required_role_sees_the_activation_page(client):
    UserFactory(username="ivy", role="interviewer")
    _login(client, "ivy")
    assert client.get(ACTIVATE).url.startswith(reverse("account_reauthenticate"))
    _reauthenticate(client)
    page = client.get(ACTIVATE)
    assert page.status_code == 200 and "data:image/svg+xml;base64," in page.content.decode()


def test_mfa_required_role_enrols_with_a_computed_code_then_goes_on(client):
    ivy = UserFactory(username="ivy", role="interviewer")
    _login(client, "ivy")
    _reauthenticate(client)
    secret = client.get(ACTIVATE).context["form"].secret
    response = client.post(ACTIVATE, {"code": totp(secret)})
    assert response.url == reverse("mfa_view_recovery_codes")
    assert Authenticator.objects.filter(user=ivy, type=Authenticator.Type.TOTP).exists()
    assert client.get(reverse("home")).status_code == 200


def test_mfa_wrong_code_enrols_nothing(client):
    ivy = UserFactory(username="ivy", role="interviewer")
    _login(client, "ivy")
    _reauthenticate(client)
    client.get(ACTIVATE)
    response = client.post(ACTIVATE, {"code": "000000"})
    assert "Incorrect code" in response.content.decode()
    assert not Authenticator.objects.filter(user=ivy).exists()


def test_mfa_candidate_is_not_asked_to_enrol(client, user):
    _login(client, "candidate")
    assert client.get(reverse("home")).status_code == 200


def test_mfa_required_roles_setting_can_exempt_interviewers(client, settings):
    settings.MFA_REQUIRED_ROLES = ["admin"]
    UserFactory(username="ivy", role="interviewer")
    _login(client, "ivy")
    assert client.get(reverse("home")).status_code == 200


def test_mfa_enrolment_pages_and_logout_stay_reachable(client):
    UserFactory(username="ivy", role="interviewer")
    _login(client, "ivy")
    assert client.get(reverse("mfa_index")).status_code == 200
    client.post(reverse("logout"))
    assert not _logged_in(client)


def test_mfa_enrolment_due_api_call_is_403_with_code(client):
    UserFactory(username="ivy", role="interviewer")
    _login(client, "ivy")
    response = client.get(reverse("api-me"))
    assert (response.status_code, response.json()["code"]) == (403, "mfa_required")


# --- The Django admin -----------------------------------------------------------------------------


def test_mfa_admin_login_goes_through_the_site_login(client):
    response = client.get("/admin/login/?next=/admin/")
    assert response.url == reverse("login") + "?next=/admin/"


def test_mfa_admin_without_second_factor_is_sent_to_enrol(client):
    UserFactory(username="boss", role="admin", is_staff=True, is_superuser=True)
    _login(client, "boss")
    assert client.get("/admin/").url == ACTIVATE


def test_mfa_admin_with_second_factor_reaches_the_admin_after_the_code(client):
    boss = UserFactory(username="boss", role="admin", is_staff=True, is_superuser=True)
    _with_totp(boss)
    _login(client, "boss")
    client.post(reverse("mfa_authenticate"), {"code": totp(SECRET)})
    assert client.get("/admin/").status_code == 200


# --- TOTP and recovery codes at login -----------------------------------------------------------


def test_mfa_login_with_totp_asks_for_the_code_before_logging_in(client):
    _with_totp(UserFactory(username="ivy", role="interviewer"))
    response = _login(client, "ivy")
    assert (response.url, _logged_in(client)) == (reverse("mfa_authenticate"), False)


def test_mfa_login_with_a_computed_totp_code(client):
    ivy = UserFactory(username="ivy", role="interviewer")
    _with_totp(ivy)
    _login(client, "ivy")
    response = client.post(reverse("mfa_authenticate"), {"code": totp(SECRET)})
    assert (response.status_code, client.get(reverse("api-me")).json()["id"]) == (302, ivy.pk)
    assert client.get(reverse("home")).status_code == 200  # enrolled: not sent to enrol again


def test_mfa_login_with_a_wrong_code_is_refused(client):
    _with_totp(UserFactory(username="ivy", role="interviewer"))
    _login(client, "ivy")
    response = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert "Incorrect code" in response.content.decode() and not _logged_in(client)


def test_mfa_totp_code_works_once(client):
    _with_totp(UserFactory(username="ivy", role="interviewer"))
    code = totp(SECRET)
    _login(client, "ivy")
    client.post(reverse("mfa_authenticate"), {"code": code})
    client.post(reverse("logout"))
    _login(client, "ivy")
    client.post(reverse("mfa_authenticate"), {"code": code})
    assert not _logged_in(client)


def test_mfa_recovery_code_logs_in_once_only(client):
    ivy = UserFactory(username="ivy", role="interviewer")
    code = _with_totp(ivy).get_unused_codes()[0]
    _login(client, "ivy")
    client.post(reverse("mfa_authenticate"), {"code": code})
    assert client.get(reverse("api-me")).json()["id"] == ivy.pk
    client.post(reverse("logout"))
    _login(client, "ivy")
    response = client.post(reverse("mfa_authenticate"), {"code": code})
    assert "Incorrect code" in response.content.decode() and not _logged_in(client)


def test_mfa_recovery_codes_page_lists_unused_codes(client):
    ivy = UserFactory(username="ivy", role="interviewer")
    codes = _with_totp(ivy).get_unused_codes()
    _login(client, "ivy")
    client.post(reverse("mfa_authenticate"), {"code": totp(SECRET)})
    _reauthenticate(client)
    page = client.get(reverse("mfa_view_recovery_codes")).content.decode()
    assert all(code in page for code in codes)


# --- The API token endpoint is a login too ------------------------------------------------------------


def _token(username, **extra):
    return APIClient().post(reverse("api-token"), {"username": username, "password": PASSWORD, **extra})


def test_mfa_token_for_enrolled_user_needs_a_code(db):
    _with_totp(UserFactory(username="ivy", role="interviewer"))
    response = _token("ivy")
    assert (response.status_code, response.json()["code"]) == (403, "mfa_required")


def test_mfa_token_for_enrolled_user_with_a_computed_code(db):
    _with_totp(UserFactory(username="ivy", role="interviewer"))
    assert _token("ivy", code=totp(SECRET)).status_code == 200


def test_mfa_token_wrong_code_is_refused(db):
    _with_totp(UserFactory(username="ivy", role="interviewer"))
    assert _token("ivy", code="000000").status_code == 403


def test_mfa_token_recovery_code_works_once(db):
    code = _with_totp(UserFactory(username="ivy", role="interviewer")).get_unused_codes()[0]
    assert [_token("ivy", code=code).status_code for _ in range(2)] == [200, 403]


def test_mfa_token_for_required_role_without_second_factor_is_refused(db):
    UserFactory(username="ivy", role="interviewer")
    response = _token("ivy")
    assert (response.status_code, response.json()["code"]) == (403, "mfa_required")


def test_mfa_token_for_candidate_needs_no_code(user):
    assert _token("candidate").status_code == 200
