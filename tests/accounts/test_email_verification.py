"""Email verification: the signed, time-limited link tied to the address, its pages and the sign-up email."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail, signing
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from interview.accounts.email_verification import (
    _salt,
    email_verification_confirm,
    email_verification_send,
    email_verification_token,
)
from interview.core.errors import ServiceError
from tests.factories import UserFactory
from tests.hiring.helpers import NOW

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()


def confirm(user, token, *, later=timedelta(0)):
    return email_verification_confirm(user=user, token=token, now=NOW + later)


def test_email_verification_confirm_marks_the_email_verified(user):
    confirm(user, email_verification_token(user=user, now=NOW))
    user.profile.refresh_from_db()
    assert (user.profile.email_verified, user.profile.email_verified_at) == (True, NOW)


def test_email_verification_confirm_refuses_an_expired_link(user):
    token = email_verification_token(user=user, now=NOW)
    with pytest.raises(ServiceError) as caught:
        confirm(user, token, later=timedelta(days=4))
    assert caught.value.code == "expired_link"


def test_email_verification_confirm_accepts_a_link_just_inside_its_age(user, settings):
    settings.EMAIL_VERIFICATION_MAX_AGE_SECONDS = 3600
    token = email_verification_token(user=user, now=NOW)
    assert confirm(user, token, later=timedelta(seconds=3600)).email_verified


def test_email_verification_confirm_refuses_a_tampered_link(user):
    token = email_verification_token(user=user, now=NOW)
    with pytest.raises(ServiceError) as caught:
        confirm(user, token[:-3] + "abc")
    assert caught.value.code == "invalid_link"


def test_email_verification_confirm_refuses_a_link_for_an_old_address(user):
    token = email_verification_token(user=user, now=NOW)
    user.email = "new@example.com"
    user.save()
    with pytest.raises(ServiceError):
        confirm(user, token)


def test_email_verification_confirm_refuses_another_users_link(user):
    other = UserFactory(username="other")
    with pytest.raises(ServiceError):
        confirm(user, email_verification_token(user=other, now=NOW))


def test_email_verification_confirm_refuses_a_token_naming_another_user(user):
    forged = signing.dumps({"u": user.pk + 1, "t": int(NOW.timestamp())}, salt=_salt(user.email), compress=False)
    with pytest.raises(ServiceError) as caught:
        confirm(user, forged)
    assert caught.value.code == "invalid_link"


def test_email_verification_changed_email_is_no_longer_verified(user):
    confirm(user, email_verification_token(user=user, now=NOW))
    user.email = "changed@example.com"
    user.save()
    user.refresh_from_db()
    assert user.profile.email_verified is False


def test_email_verification_send_emails_the_link(user):
    email_verification_send(user=user, link_for=lambda token: f"https://x.test/v/{token}/", now=NOW)
    assert (mail.outbox[0].to, "https://x.test/v/" in mail.outbox[0].body) == ([user.email], True)


def test_email_verification_send_is_limited_to_one_a_minute(user):
    send = lambda: email_verification_send(user=user, link_for=str, now=NOW)  # noqa: E731
    assert (send(), send(), len(mail.outbox)) == (True, False, 1)


# --- Pages ------------------------------------------------------------------------------------------


def test_email_verify_page_offers_a_link(client, user):
    client.force_login(user)
    assert "Email me a verification link" in client.get(reverse("email_verify")).content.decode()


def test_email_verify_page_sends_a_link_that_verifies(client, user):
    client.force_login(user)
    client.post(reverse("email_verify"))
    link = mail.outbox[0].body.split("http://testserver")[1].split()[0]
    client.get(link)
    user.profile.refresh_from_db()
    assert user.profile.email_verified


def test_email_verify_confirm_continues_to_next(client, user):
    client.force_login(user)
    token = email_verification_token(user=user, now=timezone.now())
    response = client.get(reverse("email_verify_confirm", args=[token]) + "?next=/invite/abc/")
    assert response.url == "/invite/abc/"


def test_email_verify_confirm_ignores_an_offsite_next(client, user):
    client.force_login(user)
    token = email_verification_token(user=user, now=timezone.now())
    response = client.get(reverse("email_verify_confirm", args=[token]) + "?next=https://evil.example/")
    assert response.url == reverse("email_verify")


def test_email_verify_confirm_bad_link_shows_an_error(client, user):
    client.force_login(user)
    response = client.get(reverse("email_verify_confirm", args=["nonsense"]))
    assert (response.status_code, "not valid" in response.content.decode()) == (400, True)


def test_email_verify_confirm_needs_a_login(client):
    response = client.get(reverse("email_verify_confirm", args=["anything"]))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_email_verify_sign_up_sends_a_verification_email(client):
    client.post(
        reverse("register"),
        {
            "username": "newbie",
            "email": "newbie@example.com",
            "password1": "a-Long-pass-phrase-9",
            "password2": "a-Long-pass-phrase-9",
        },
    )
    assert [m.to for m in mail.outbox] == [["newbie@example.com"]]


def test_email_verify_sign_up_link_keeps_the_invitation_in_context(client):
    client.post(
        reverse("register") + "?next=/invite/tok/",
        {
            "username": "newbie",
            "email": "newbie@example.com",
            "password1": "a-Long-pass-phrase-9",
            "password2": "a-Long-pass-phrase-9",
            "next": "/invite/tok/",
        },
    )
    assert "next=%2Finvite%2Ftok%2F" in mail.outbox[0].body


def test_email_verify_log_in_sends_nothing(client, user):
    client.post(reverse("login"), {"username": "candidate", "password": "correct-horse-battery"})
    assert mail.outbox == []
