"""Email verification through allauth's EmailAddress: the link, the pages, the sign-up email, and the
profile's verified address (what invitations check) kept in step."""

from __future__ import annotations

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from interview.accounts.email_verification import email_verification_send
from interview.core.errors import ErrorCode, ServiceError
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "a-Long-pass-phrase-9"


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()


def _link(message) -> str:
    return re.search(r"http://testserver(/accounts/confirm-email/\S+/)", message.body).group(1)


def _confirm_by_link(client, message):
    link = _link(message)
    assert client.get(link).status_code == 200  # a page with a button: GET changes nothing
    return client.post(link)


def _signup(client, next_url=""):
    data = {"username": "newbie", "email": "newbie@example.com", "password1": PASSWORD, "password2": PASSWORD}
    query = f"?next={next_url}" if next_url else ""
    return client.post(reverse("register") + query, {**data, **({"next": next_url} if next_url else {})})


# --- The profile follows allauth's EmailAddress ------------------------------------------------------


def test_email_verified_address_marks_the_profile_verified(user):
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
    user.profile.refresh_from_db()
    assert user.profile.email_verified and user.profile.email_verified_at is not None


def test_email_unverified_address_leaves_the_profile_unverified(user):
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=False)
    user.profile.refresh_from_db()
    assert not user.profile.email_verified


def test_email_verified_other_address_does_not_count(user):
    EmailAddress.objects.create(user=user, email="elsewhere@example.com", verified=True)
    user.profile.refresh_from_db()
    assert not user.profile.email_verified


def test_email_changed_email_is_no_longer_verified(user):
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
    user.email = "new-address@example.com"
    user.save()
    user.refresh_from_db()
    assert user.profile.email_verified is False


# --- Sending ----------------------------------------------------------------------------------------


def test_email_verification_send_is_limited_to_one_a_minute(client, user):
    client.force_login(user)
    client.post(reverse("email_verify"))
    response = client.post(reverse("email_verify"), follow=True)
    assert ("try again in a minute" in response.content.decode(), len(mail.outbox)) == (True, 1)


def test_email_verification_send_without_email_is_refused(rf):
    with pytest.raises(ServiceError) as caught:
        email_verification_send(request=rf.get("/"), user=UserFactory(username="noemail", email=""))
    assert caught.value.code == ErrorCode.NO_EMAIL


# --- Pages ------------------------------------------------------------------------------------------


def test_email_verify_page_offers_a_link(client, user):
    client.force_login(user)
    assert "Email me a verification link" in client.get(reverse("email_verify")).content.decode()


def test_email_verify_page_sends_a_link_that_verifies(client, user):
    client.force_login(user)
    client.post(reverse("email_verify"))
    _confirm_by_link(client, mail.outbox[0])
    user.profile.refresh_from_db()
    assert user.profile.email_verified


def test_email_verify_link_get_alone_verifies_nothing(client, user):
    client.force_login(user)
    client.post(reverse("email_verify"))
    client.get(_link(mail.outbox[0]))
    user.profile.refresh_from_db()
    assert not user.profile.email_verified


def test_email_verify_confirm_continues_to_next(client, user):
    client.force_login(user)
    client.post(reverse("email_verify") + "?next=/invite/abc/")
    assert _confirm_by_link(client, mail.outbox[0]).url == "/invite/abc/"


def test_email_verify_confirm_ignores_an_offsite_next(client, user):
    client.force_login(user)
    client.post(reverse("email_verify") + "?next=https://evil.example/")
    assert _confirm_by_link(client, mail.outbox[0]).url == reverse("email_verify")


def test_email_verify_tampered_link_verifies_nothing(client, user):
    client.force_login(user)
    client.post(reverse("email_verify"))
    response = client.post(_link(mail.outbox[0]).replace("/confirm-email/", "/confirm-email/x"))
    user.profile.refresh_from_db()
    assert (response.status_code < 500, user.profile.email_verified) == (True, False)


def test_email_verify_old_format_link_shows_an_error(client, user):
    client.force_login(user)
    response = client.get(reverse("email_verify_confirm", args=["nonsense"]))
    assert (response.status_code, "no longer valid" in response.content.decode()) == (400, True)


def test_email_verify_confirm_needs_a_login(client):
    response = client.get(reverse("email_verify_confirm", args=["anything"]))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_email_verify_sign_up_sends_a_verification_email(client):
    _signup(client)
    assert [m.to for m in mail.outbox] == [["newbie@example.com"]]


def test_email_verify_sign_up_link_leads_back_to_the_invitation(client):
    _signup(client, next_url="/invite/tok/")
    assert _confirm_by_link(client, mail.outbox[0]).url == "/invite/tok/"


def test_email_verify_log_in_sends_nothing(client, user):
    client.post(reverse("login"), {"login": "candidate", "password": "correct-horse-battery"})
    assert mail.outbox == []


def test_email_verify_other_users_link_verifies_nothing(client, user):
    other = UserFactory(username="other", email="other@example.com")
    client.force_login(other)
    client.post(reverse("email_verify"))
    client.force_login(user)
    _confirm_by_link(client, mail.outbox[0])
    user.profile.refresh_from_db()
    assert not user.profile.email_verified
