"""OpenID Connect login through the fake provider over real HTTP: sign-up, linking, takeover and bad input
(each failure audited once)."""

from __future__ import annotations

import time
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from interview.accounts.signals import social_login_failed
from interview.audit.actions import AuditAction
from interview.models import AuditEvent
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
User = get_user_model()
START = "/accounts/oidc/fake/login/"


def _session_user(client):
    """The logged-in user's id as the next request sees it (None when anonymous)."""
    response = client.get(reverse("api-me"))
    return str(response.json()["id"]) if response.status_code == 200 else None


def _page_after(client, response):
    """The page a redirect lands on, as the browser would see it."""
    return client.get(response.url).content.decode() if response.status_code == 302 else response.content.decode()


def test_oidc_login_path_is_per_provider(oidc):
    assert reverse("openid_connect_login", kwargs={"provider_id": "fake"}) == START


def test_oidc_login_page_lists_the_provider(client, oidc):
    assert f'href="{START}' in client.get(reverse("login")).content.decode()


def test_oidc_first_login_creates_a_candidate_named_by_the_provider(client, oidc, round_trip):
    response, _ = round_trip(client, START)
    user = User.objects.get(email="oidc.user@example.com")
    assert (response.status_code, response.url, _session_user(client)) == (302, reverse("home"), str(user.pk))
    assert (user.profile.role, user.profile.auth_provider) == ("candidate", "fake")


def test_oidc_first_login_with_verified_email_marks_it_verified(client, oidc, round_trip):
    round_trip(client, START)
    assert User.objects.get(email="oidc.user@example.com").profile.email_verified


def test_oidc_first_login_talks_to_every_endpoint(client, oidc, round_trip):
    round_trip(client, START)
    assert {"GET /.well-known/openid-configuration", "POST /token", "GET /userinfo", "GET /jwks"} <= set(oidc.requests)


def test_oidc_second_login_links_to_the_same_user(client, oidc, round_trip):
    round_trip(client, START)
    client.post(reverse("logout"))
    round_trip(client, START)
    account = SocialAccount.objects.get(provider="fake", uid="fake-user-1")
    assert (User.objects.count(), _session_user(client)) == (1, str(account.user_id))


def test_oidc_unverified_email_of_an_existing_account_is_no_takeover(client, oidc, round_trip):
    owner = UserFactory(username="owner", email="oidc.user@example.com")
    oidc.identity.email_verified = False
    round_trip(client, START)
    assert _session_user(client) != str(owner.pk)
    assert not SocialAccount.objects.filter(user=owner).exists()


def test_oidc_takeover_refusal_says_what_to_do(client, oidc, round_trip):
    UserFactory(username="owner", email="oidc.user@example.com")
    oidc.identity.email_verified = False
    response, _ = round_trip(client, START)
    page = _page_after(client, response)
    assert "already used by an account here" in page and "Account connections" in page


def test_oidc_takeover_form_with_the_same_email_creates_nothing(client, oidc, round_trip):
    UserFactory(username="owner", email="oidc.user@example.com")
    oidc.identity.email_verified = False
    round_trip(client, START)
    data = {"username": "olivia", "email": "OIDC.user@example.com"}
    page = client.post(reverse("socialaccount_signup"), data).content.decode()
    assert "An account already exists with this email address." in page
    assert (User.objects.count(), SocialAccount.objects.count()) == (1, 0)


def test_oidc_verified_email_of_an_existing_account_is_no_takeover_either(client, oidc, round_trip):
    owner = UserFactory(username="owner", email="oidc.user@example.com")
    round_trip(client, START)
    assert _session_user(client) != str(owner.pk)
    assert not SocialAccount.objects.filter(user=owner).exists()


def test_oidc_unknown_provider_is_404(client, oidc):
    assert client.post("/accounts/oidc/nobody/login/").status_code == 404


# --- Bad input: a clear message on the login page, no account, never a 500 ---------------------------


def _failure_audited() -> bool:
    """Exactly one audit event for the failure: a failed login naming the provider, on nobody's account."""
    failed = list(AuditEvent.objects.filter(action=AuditAction.LOGIN_FAILED))
    return len(failed) == 1 and failed[0].detail["provider"] == "fake" and failed[0].subject_id is None


def _refused(client, response):
    page = _page_after(client, response)
    return (
        response.status_code < 500
        and "did not complete" in page
        and _session_user(client) is None
        and not User.objects.exists()
        and _failure_audited()
    )


@pytest.mark.parametrize("mode", ["bad_signature", "wrong_audience", "expired", "wrong_issuer", "deny"])
def test_oidc_bad_id_token_or_refusal_is_refused(client, oidc, round_trip, mode):
    oidc.mode = mode
    response, _ = round_trip(client, START)
    assert _refused(client, response)


def test_oidc_failure_lands_on_the_login_page(client, oidc, round_trip):
    oidc.mode = "bad_signature"
    response, _ = round_trip(client, START)
    assert response.url == reverse("login")


def _authorized(client) -> str:
    """Start a login and let the fake approve it: the callback path with its code and state."""
    started = client.post(START)
    location = requests.get(started.url, allow_redirects=False, timeout=5).headers["Location"]
    return location.removeprefix("http://testserver")


def _param(url: str, name: str) -> str:
    return parse_qs(urlsplit(url).query)[name][0]


def test_oidc_tampered_state_is_refused(client, oidc):
    callback = _authorized(client)
    assert _refused(client, client.get(callback.replace("state=", "state=x")))


def test_oidc_tampered_code_is_refused(client, oidc):
    callback = _authorized(client)
    assert _refused(client, client.get(callback.replace("code=", "code=x")))


def test_oidc_replayed_code_is_refused(client, oidc):
    first = _authorized(client)
    client.get(first)  # the code's one use
    attacker = Client()
    second = _authorized(attacker)  # a fresh, valid state of the attacker's own, carrying the used code
    replay = f"{urlsplit(second).path}?code={_param(first, 'code')}&state={_param(second, 'state')}"
    response = attacker.get(replay)
    assert "did not complete" in _page_after(attacker, response) and _session_user(attacker) is None
    assert User.objects.count() == 1 and _failure_audited()


def test_oidc_provider_down_is_refused(client, oidc):
    oidc.stop()
    response = client.post(START)
    assert _refused(client, response)


def test_oidc_provider_slow_is_refused_within_the_timeout(client, oidc):
    callback = _authorized(client)
    oidc.mode, oidc.delay = "slow", 3
    started = time.monotonic()
    response = client.get(callback)
    assert _refused(client, response) and time.monotonic() - started < 2.5


# --- Content-Security-Policy: the provider's page may send the browser to the provider ---------------


def _form_action(response) -> str:
    directives = dict(part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";"))
    return directives["form-action"]


def test_oidc_provider_page_allows_the_provider_as_form_target(client, oidc):
    assert _form_action(client.get(START)) == f"'self' {oidc.issuer}"


def test_oidc_other_pages_keep_form_action_self(client, oidc):
    assert _form_action(client.get(reverse("login"))) == "'self'"


def test_oidc_builtin_provider_page_allows_its_origin(client, settings):
    settings.SOCIALACCOUNT_PROVIDERS = {
        **settings.SOCIALACCOUNT_PROVIDERS,
        "github": {"APPS": [{"client_id": "id", "secret": "s"}]},
    }
    assert _form_action(client.get("/accounts/github/login/")) == "'self' https://github.com"


def test_oidc_failure_is_announced(client, oidc, round_trip):
    heard = []
    social_login_failed.connect(lambda **kw: heard.append(kw["provider_id"]), weak=False, dispatch_uid="test-heard")
    oidc.mode = "expired"
    try:
        round_trip(client, START)
    finally:
        social_login_failed.disconnect(dispatch_uid="test-heard")
    assert heard == ["fake"]
