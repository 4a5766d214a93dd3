"""Login throttling: wrong passwords counted per account (any address) and per address (any account),
on the login page and the API token endpoint alike; sign-up and password reset limited too."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from interview.accounts.adapters import LOCKED_OUT
from interview.accounts.signals import login_locked_out
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
RIGHT = "correct-horse-battery"  # UserFactory's password
LIMIT = 10


def _login(client, identifier, password, ip="10.0.0.1", **headers):
    return client.post(reverse("login"), {"login": identifier, "password": password}, REMOTE_ADDR=ip, **headers)


def _token(identifier, password, ip="10.0.0.1"):
    return APIClient().post(reverse("api-token"), {"username": identifier, "password": password}, REMOTE_ADDR=ip)


def _logged_in(client):
    return client.session.get("_auth_user_id") is not None


def _locked_page(response):
    return response.status_code == 200 and "Too many failed login attempts" in response.content.decode()


# --- The login page ---------------------------------------------------------------------------------


def test_throttle_login_ten_wrong_passwords_are_each_just_wrong(client, user):
    responses = [_login(client, "candidate", "wrong", ip=f"10.0.1.{n}") for n in range(LIMIT)]
    assert not any(_locked_page(r) for r in responses)


def test_throttle_login_eleventh_attempt_on_an_account_is_refused_from_any_address(client, user):
    for n in range(LIMIT):
        _login(client, "candidate", "wrong", ip=f"10.0.1.{n}")
    assert _locked_page(_login(client, "candidate", "wrong", ip="10.9.9.9"))


def test_throttle_login_right_password_refused_during_lockout(client, user):
    for n in range(LIMIT):
        _login(client, "candidate", "wrong", ip=f"10.0.1.{n}")
    response = _login(client, "candidate", RIGHT, ip="10.9.9.9")
    assert _locked_page(response) and not _logged_in(client)


def test_throttle_login_username_and_email_count_as_one_account(client, user):
    for n in range(LIMIT // 2):
        _login(client, "candidate", "wrong", ip=f"10.0.1.{n}")
        _login(client, "CANDIDATE@example.com", "wrong", ip=f"10.0.2.{n}")
    assert _locked_page(_login(client, "candidate", RIGHT, ip="10.9.9.9"))


def test_throttle_login_one_address_across_accounts_is_refused(client, user):
    for n in range(LIMIT):
        _login(client, f"nobody{n}", "wrong", ip="10.0.0.7")
    response = _login(client, "candidate", RIGHT, ip="10.0.0.7")
    assert _locked_page(response) and not _logged_in(client)


def test_throttle_login_other_address_and_account_unaffected(client, user):
    for n in range(LIMIT):
        _login(client, f"nobody{n}", "wrong", ip="10.0.0.7")
    _login(client, "candidate", RIGHT, ip="10.0.0.8")
    assert _logged_in(client)


def test_throttle_login_forged_forwarded_for_does_not_change_the_address(client, user):
    for n in range(LIMIT):
        _login(client, f"nobody{n}", "wrong", ip="10.0.0.7", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")
    assert _locked_page(_login(client, "candidate", RIGHT, ip="10.0.0.7", HTTP_X_FORWARDED_FOR="198.51.100.1"))


def test_throttle_login_right_password_uses_no_allowance(client, user):
    for n in range(LIMIT - 1):
        _login(client, "candidate", "wrong", ip=f"10.0.1.{n}")
    for _ in range(3):
        _login(client, "candidate", RIGHT, ip="10.0.3.1")
        client.post(reverse("logout"))
    assert not _locked_page(_login(client, "candidate", "wrong", ip="10.0.3.2"))


def test_throttle_login_lockout_message_is_plain(client, user):
    for n in range(LIMIT):
        _login(client, "candidate", "wrong", ip=f"10.0.1.{n}")
    assert "Try again in a few minutes" in _login(client, "candidate", RIGHT).content.decode()


# --- The API token endpoint: the same allowance, a 429 ------------------------------------------


def test_throttle_api_eleventh_attempt_is_429_with_retry_after(user):
    for n in range(LIMIT):
        assert _token("candidate", "wrong", ip=f"10.0.1.{n}").status_code == 400
    response = _token("candidate", RIGHT, ip="10.9.9.9")
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 900
    assert response.json() == {"detail": LOCKED_OUT, "code": "login_locked_out"}


def test_throttle_api_one_address_across_accounts_is_429(user):
    for n in range(LIMIT):
        _token(f"nobody{n}", "wrong", ip="10.0.0.7")
    assert _token("candidate", RIGHT, ip="10.0.0.7").status_code == 429


def test_throttle_api_and_page_share_the_allowance(client, user):
    for n in range(LIMIT):
        _login(client, "candidate", "wrong", ip=f"10.0.1.{n}")
    assert _token("candidate", RIGHT, ip="10.9.9.9").status_code == 429


def test_throttle_api_page_locked_after_api_failures(client, user):
    for n in range(LIMIT):
        _token("candidate@example.com", "wrong", ip=f"10.0.1.{n}")
    assert _locked_page(_login(client, "candidate", RIGHT, ip="10.9.9.9"))


# --- Sign-up and password reset -------------------------------------------------------------------


def test_throttle_signup_limited_per_address(client, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "signup": "2/m/ip"}
    data = {"email": "x@example.com", "password1": "a-Long-pass-phrase-9", "password2": "a-Long-pass-phrase-9"}
    statuses = [
        client.post(reverse("register"), {**data, "username": f"u{n}"}, REMOTE_ADDR="10.0.0.3").status_code
        for n in range(3)
    ]
    assert statuses[-1] == 429


def test_throttle_signup_429_page_says_so_with_retry_after(client, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "signup": "0/m/ip"}
    response = client.post(reverse("register"), {"username": "u"}, REMOTE_ADDR="10.0.0.3")
    assert (response.status_code, response["Retry-After"]) == (429, "60")
    assert "Too many attempts" in response.content.decode()


def test_throttle_password_reset_limited_per_address(client):
    UserFactory(username="resetme", email="resetme@example.com")
    statuses = [
        client.post(
            reverse("account_reset_password"), {"email": f"r{n}@example.com"}, REMOTE_ADDR="10.0.0.4"
        ).status_code
        for n in range(21)
    ]
    assert statuses[-1] == 429 and 429 not in statuses[:20]


def test_throttle_password_reset_limited_per_email(client):
    UserFactory(username="resetme", email="resetme@example.com")
    statuses = [
        client.post(
            reverse("account_reset_password"), {"email": "resetme@example.com"}, REMOTE_ADDR=f"10.0.5.{n}"
        ).status_code
        for n in range(6)
    ]
    assert statuses[-1] == 429 and 429 not in statuses[:5]


def test_throttle_lockout_is_announced_once_per_refused_attempt(client, user):
    heard = []
    login_locked_out.connect(lambda **kw: heard.append(kw["identifier"]), weak=False, dispatch_uid="test-heard")
    try:
        for n in range(LIMIT):
            _login(client, "candidate", "wrong", ip=f"10.0.1.{n}")
        _login(client, "candidate", RIGHT, ip="10.9.9.9")
        _token("candidate", RIGHT, ip="10.9.9.8")
    finally:
        login_locked_out.disconnect(dispatch_uid="test-heard")
    assert heard == ["candidate", "candidate"]
