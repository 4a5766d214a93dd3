"""Sign-in events beyond the password form: lockout (page and API), MFA enrolled and removed, a provider's
account linked (sign-up through it, or connected), a provider login that failed, and password reset."""

from __future__ import annotations

import re

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import get_user_model
from django.core import mail
from django.db import DatabaseError
from django.urls import reverse
from rest_framework.test import APIClient

from interview.audit.actions import AuditAction
from tests.audit.helpers import audit_inserts_refused, events, only_event, provider_round_trip, target_of, totp
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]
User = get_user_model()
PASSWORD = "correct-horse-battery"  # UserFactory's
NEW_PASSWORD = "Quiet-Harbour-1987"
LIMIT = 10  # failed logins allowed per account
START = "/accounts/oidc/fake/login/"
ACTIVATE = "/accounts/2fa/totp/activate/"
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def _login(client, identifier, password=PASSWORD, ip="10.0.0.1"):
    return client.post(reverse("login"), {"login": identifier, "password": password}, REMOTE_ADDR=ip)


def _token(identifier, password, ip="10.0.0.1"):
    return APIClient().post(reverse("api-token"), {"username": identifier, "password": password}, REMOTE_ADDR=ip)


# --- Lockout ----------------------------------------------------------------------------------------


def test_lockout_on_the_login_page_writes_one_event_on_the_account(client, user):
    for n in range(LIMIT):
        _login(client, user.username, "wrong", ip=f"10.0.1.{n}")
    _login(client, user.username, PASSWORD, ip="10.9.9.9")  # refused unchecked: a lockout, not a failure
    event = only_event(AuditAction.LOCKOUT)
    assert (event.actor_id, event.actor_label, event.subject_id, event.target_id, event.ip) == (
        None, user.username, user.pk, str(user.pk), "10.9.9.9",
    )  # fmt: skip
    assert len(events(AuditAction.LOGIN_FAILED)) == LIMIT and events(AuditAction.LOGIN) == []


def test_lockout_on_the_token_endpoint_writes_one_event_on_the_account(user):
    for n in range(LIMIT):
        _token(user.username, "wrong", ip=f"10.0.1.{n}")
    assert _token(user.username, PASSWORD, ip="10.9.9.9").status_code == 429
    event = only_event(AuditAction.LOCKOUT)
    assert (event.actor_id, event.subject_id, event.target_id) == (None, user.pk, str(user.pk))
    assert len(events(AuditAction.LOGIN_FAILED)) == LIMIT and events(AuditAction.API_TOKEN_CREATED) == []


# --- MFA --------------------------------------------------------------------------------------------


def _enrol(client, username):
    """Log in (the role must enrol), confirm the password, and activate TOTP with a computed code."""
    _login(client, username)
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    secret = client.get(ACTIVATE).context["form"].secret
    return client.post(ACTIVATE, {"code": totp(secret)})


def test_mfa_enrolment_writes_one_event(client):
    ivy = UserFactory(username="ivy", role="interviewer")
    assert _enrol(client, "ivy").status_code == 302
    authenticator = Authenticator.objects.get(user=ivy, type=Authenticator.Type.TOTP)
    event = only_event(AuditAction.MFA_ENROLLED)  # one, though recovery codes were made with it
    assert (event.actor_id, event.subject_id, (event.target_type, event.target_id), event.detail) == (
        ivy.pk, ivy.pk, target_of(authenticator), {"type": "totp"},
    )  # fmt: skip


def test_mfa_enrolment_whose_event_fails_enrols_nothing(client):
    ivy = UserFactory(username="ivy", role="interviewer")
    _login(client, "ivy")
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    secret = client.get(ACTIVATE).context["form"].secret
    with audit_inserts_refused(), pytest.raises(DatabaseError):
        client.post(ACTIVATE, {"code": totp(secret)})
    assert not Authenticator.objects.filter(user=ivy).exists()


def _sign_in_with_totp(client, user):
    """Log in with the password and a TOTP code, then confirm the password (allauth asks before a removal)."""
    _login(client, user.username)
    client.post(reverse("mfa_authenticate"), {"code": totp(SECRET)})
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})


def test_mfa_removal_writes_one_event(client, user):
    TOTP.activate(user, SECRET)
    RecoveryCodes.activate(user)
    authenticator = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    _sign_in_with_totp(client, user)
    assert client.post(reverse("mfa_deactivate_totp")).status_code == 302
    assert not Authenticator.objects.filter(user=user).exists()
    event = only_event(AuditAction.MFA_REMOVED)  # one, though the recovery codes went with it
    assert (event.actor_id, event.subject_id, (event.target_type, event.target_id)) == (
        user.pk, user.pk, target_of(authenticator),
    )  # fmt: skip


def test_mfa_removal_whose_event_fails_keeps_the_second_factor(client, user):
    TOTP.activate(user, SECRET)
    _sign_in_with_totp(client, user)
    with audit_inserts_refused(), pytest.raises(DatabaseError):
        client.post(reverse("mfa_deactivate_totp"))
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


# --- A provider's account ---------------------------------------------------------------------------


def test_signup_through_a_provider_writes_signup_and_social_linked(client, oidc):
    provider_round_trip(client, START)
    newcomer = User.objects.get(email="oidc.user@example.com")
    account = SocialAccount.objects.get(user=newcomer)
    signup = only_event(AuditAction.SIGNUP)
    linked = only_event(AuditAction.SOCIAL_LINKED)
    assert (signup.actor_id, signup.target_id, signup.detail) == (newcomer.pk, str(newcomer.pk), {"provider": "fake"})
    assert (linked.actor_id, linked.subject_id, (linked.target_type, linked.target_id), linked.detail) == (
        newcomer.pk, newcomer.pk, target_of(account), {"provider": "fake"},
    )  # fmt: skip
    assert only_event(AuditAction.LOGIN).actor_id == newcomer.pk


def test_second_login_through_a_provider_links_nothing_new(client, oidc):
    provider_round_trip(client, START)
    client.post(reverse("logout"))
    provider_round_trip(client, START)
    assert len(events(AuditAction.SOCIAL_LINKED)) == 1 and len(events(AuditAction.LOGIN)) == 2


def test_signup_through_a_provider_whose_event_fails_creates_no_account(client, oidc):
    with audit_inserts_refused(), pytest.raises(DatabaseError):
        provider_round_trip(client, START)
    assert not User.objects.exists() and not SocialAccount.objects.exists()


def test_connecting_a_provider_to_a_signed_in_account_writes_one_event(client, oidc, user):
    client.force_login(user)
    provider_round_trip(client, START, process="connect")
    account = SocialAccount.objects.get(user=user)
    event = only_event(AuditAction.SOCIAL_LINKED)
    assert (event.actor_id, event.subject_id, event.target_id) == (user.pk, user.pk, str(account.pk))
    assert events(AuditAction.SIGNUP) == []


def test_provider_login_that_fails_writes_one_failed_login(client, oidc):
    oidc.mode = "bad_signature"
    provider_round_trip(client, START)
    event = only_event(AuditAction.LOGIN_FAILED)
    assert (event.actor_id, event.subject_id, event.detail["provider"]) == (None, None, "fake")
    assert events(AuditAction.SIGNUP) == [] and events(AuditAction.LOGIN) == []


# --- Password reset ---------------------------------------------------------------------------------


def _reset_password(client, user):
    """Ask for the email, follow its link, and set a new password there."""
    assert client.post(reverse("account_reset_password"), {"email": user.email}).status_code == 302
    link = re.search(r"(/accounts/password/reset/key/\S+/)", mail.outbox[-1].body).group(1)
    form_url = client.get(link).url
    return client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})


def test_password_reset_writes_one_event(client, user):
    assert _reset_password(client, user).status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    event = only_event(AuditAction.PASSWORD_RESET)
    assert (event.actor_id, event.subject_id, event.target_id) == (user.pk, user.pk, str(user.pk))
    assert events(AuditAction.PASSWORD_CHANGED) == []


def test_password_reset_whose_event_fails_keeps_the_old_password(client, user):
    with audit_inserts_refused(), pytest.raises(DatabaseError):
        _reset_password(client, user)
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_signup_through_the_provider_form_writes_signup_and_social_linked(client, oidc):
    UserFactory(username="owner", email="oidc.user@example.com")
    oidc.identity.email_verified = False  # the address is taken: the provider's newcomer gets the form
    provider_round_trip(client, START)
    client.post(reverse("socialaccount_signup"), {"username": "olivia", "email": "olivia@example.com"})
    olivia = User.objects.get(username="olivia")
    assert only_event(AuditAction.SIGNUP).actor_id == olivia.pk
    linked = only_event(AuditAction.SOCIAL_LINKED)
    assert (linked.actor_id, linked.target_id) == (olivia.pk, str(SocialAccount.objects.get(user=olivia).pk))
