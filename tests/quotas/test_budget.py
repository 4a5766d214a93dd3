"""The daily budget: which budget applies, what counts against it, and when the day ends."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from interview.models import TokenUsage, UserProfile
from interview.usage.quotas import QuotaExceeded, daily_budget_for, daily_check, daily_quota, day_bounds
from live_interview.settings import _daily_tokens
from tests.factories import ChatFactory, InvitationFactory, TokenUsageFactory, UserFactory

pytestmark = pytest.mark.django_db

NOON = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)


def at(moment, **fields):
    """A ledger row written at `moment` (created_at is auto_now_add: set afterwards)."""
    row = TokenUsageFactory(**fields)
    TokenUsage.objects.filter(pk=row.pk).update(created_at=moment)
    return row


def test_budget_override_wins_over_role(settings):
    settings.LLM_DAILY_TOKENS = {"candidate": 200_000}
    user = UserFactory()
    UserProfile.objects.filter(user=user).update(daily_token_budget=50)

    assert daily_budget_for(user) == 50


def test_budget_of_role_from_settings(settings):
    settings.LLM_DAILY_TOKENS = {"candidate": 200_000, "interviewer": 1_000_000}

    assert daily_budget_for(UserFactory(role="interviewer")) == 1_000_000


def test_budget_of_unlisted_role_is_unlimited(settings):
    settings.LLM_DAILY_TOKENS = {"candidate": 200_000}

    assert daily_budget_for(UserFactory(role="admin")) is None


def test_budget_setting_unset_is_unlimited(settings):
    settings.LLM_DAILY_TOKENS = {}
    user = UserFactory()
    at(NOON, user=user, prompt_tokens=10**9)

    assert daily_check(user, now=NOON).remaining is None


def test_budget_setting_bad_json_fails_fast():
    with pytest.raises(ImproperlyConfigured, match="LLM_DAILY_TOKENS must be JSON"):
        _daily_tokens("{candidate: lots}")


def test_budget_setting_negative_fails_fast():
    with pytest.raises(ImproperlyConfigured, match="whole numbers"):
        _daily_tokens('{"candidate": -1}')


def test_budget_setting_parses_roles():
    assert _daily_tokens('{"candidate": 200000, "interviewer": 1000000}') == {
        "candidate": 200_000,
        "interviewer": 1_000_000,
    }


def test_usage_counts_practice_and_estimated_rows(settings):
    settings.LLM_DAILY_TOKENS = {"candidate": 1000}
    user = UserFactory()
    at(NOON, user=user, prompt_tokens=100, completion_tokens=50)
    at(NOON, user=user, prompt_tokens=30, completion_tokens=20, estimated=True)

    assert daily_quota(user, now=NOON).used == 200


def test_usage_of_invited_interview_counts_against_the_inviter(settings):
    inviter, candidate = UserFactory(role="interviewer"), UserFactory()
    chat = ChatFactory(user=candidate)
    InvitationFactory(interviewer=inviter, candidate_email=candidate.email, chat=chat)
    at(NOON, user=candidate, chat=chat, prompt_tokens=400, completion_tokens=100)

    assert daily_quota(inviter, now=NOON).used == 500
    assert daily_quota(candidate, now=NOON).used == 0


def test_usage_before_midnight_is_yesterdays(settings):
    settings.TIME_ZONE = "UTC"
    user = UserFactory()
    at(datetime(2026, 12, 6, 23, 59, 59, tzinfo=UTC), user=user, prompt_tokens=700)
    at(datetime(2026, 12, 7, 0, 0, 0, tzinfo=UTC), user=user, prompt_tokens=5, completion_tokens=0)

    assert daily_quota(user, now=NOON).used == 5


def test_day_ends_at_midnight_of_time_zone(settings):
    settings.TIME_ZONE = "America/New_York"

    start, end = day_bounds(NOON)  # 07:00 in New York

    assert (start.astimezone(UTC), end.astimezone(UTC)) == (
        datetime(2026, 12, 7, 5, 0, tzinfo=UTC),
        datetime(2026, 12, 8, 5, 0, tzinfo=UTC),
    )


def test_check_refuses_when_used_up_with_seconds_to_midnight(settings):
    settings.LLM_DAILY_TOKENS = {"candidate": 100}
    user = UserFactory()
    at(NOON, user=user, prompt_tokens=100, completion_tokens=0)

    with pytest.raises(QuotaExceeded) as info:
        daily_check(user, now=NOON)

    assert info.value.code == "quota_exceeded"
    assert info.value.details == {"scope": "daily", "resets_at": "2026-12-08T00:00:00Z", "retry_after": 12 * 3600}


def test_check_passes_again_after_midnight(settings):
    settings.LLM_DAILY_TOKENS = {"candidate": 100}
    user = UserFactory()
    at(NOON, user=user, prompt_tokens=100)

    assert daily_check(user, now=NOON + timedelta(hours=12)).remaining == 100


def test_check_refuses_what_does_not_fit(settings):
    settings.LLM_DAILY_TOKENS = {"candidate": 100}
    user = UserFactory()
    at(NOON, user=user, prompt_tokens=60, completion_tokens=0)

    with pytest.raises(QuotaExceeded, match="needs about 50 AI tokens, but only 40"):
        daily_check(user, now=NOON, needed=50, what="This")


@pytest.mark.parametrize("value", ["-1", "lots"])
def test_admin_bad_budget_is_a_form_error_and_nothing_saved(client, admin_user, value):
    user = UserFactory(username="someone")
    profile = user.profile
    client.force_login(admin_user)
    url = reverse("admin:interview_userprofile_change", args=[profile.pk])
    page = client.get(url)
    data = {k: v for k, v in page.context["adminform"].form.initial.items() if v is not None}
    data.update(user=user.pk, role="candidate", auth_provider="local", daily_token_budget=value)

    response = client.post(url, data)

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["daily_token_budget"]
    assert errors == ["Ensure this value is greater than or equal to 0." if value == "-1" else "Enter a whole number."]
    assert UserProfile.objects.get(pk=profile.pk).daily_token_budget is None


def test_admin_budget_saved(client, admin_user):
    user = UserFactory(username="someone")
    client.force_login(admin_user)
    url = reverse("admin:interview_userprofile_change", args=[user.profile.pk])
    page = client.get(url)
    data = {k: v for k, v in page.context["adminform"].form.initial.items() if v is not None}
    data.update(user=user.pk, role="candidate", auth_provider="local", daily_token_budget="5000")

    response = client.post(url, data)

    assert response.status_code == 302
    assert UserProfile.objects.get(pk=user.profile.pk).daily_token_budget == 5000


def test_daily_check_of_an_unlimited_user_reads_no_ledger(settings):
    settings.LLM_DAILY_TOKENS = {}
    user = UserFactory()

    with CaptureQueriesContext(connection) as queries:
        daily_check(user, now=NOON)

    assert not [q for q in queries.captured_queries if "interview_tokenusage" in q["sql"]]
