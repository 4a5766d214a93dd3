"""Token usage pages: a user's own usage by month and purpose, admins' view of everyone with the merge history."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.urls import reverse

from interview.models import TokenUsage
from interview.usage.selectors import usage_summary
from tests.factories import MergeTokenStatsFactory, TokenUsageFactory, UserFactory

pytestmark = pytest.mark.django_db


def html(client, user, name: str = "usage_mine") -> str:
    client.force_login(user)
    response = client.get(reverse(name))
    assert response.status_code == 200
    return response.content.decode()


def usage(user, *, when: datetime | None = None, **fields) -> TokenUsage:
    row = TokenUsageFactory(user=user, **fields)
    if when is not None:
        TokenUsage.objects.filter(pk=row.pk).update(created_at=when)
    return row


def test_usage_mine_shows_own_total(client, user):
    usage(user, prompt_tokens=1000, completion_tokens=500)
    assert "<strong>1500</strong> tokens in 1 request " in html(client, user)


def test_usage_mine_excludes_other_users(client, user):
    usage(UserFactory(username="someone"), prompt_tokens=7777)
    assert "7777" not in html(client, user) and "not used any AI tokens" in html(client, user)


def test_usage_mine_groups_by_month(client, user):
    usage(user, when=datetime(2025, 3, 5, tzinfo=UTC))
    usage(user, when=datetime(2025, 4, 9, tzinfo=UTC))
    page = html(client, user)
    assert page.index("April 2025") < page.index("March 2025")


def test_usage_mine_groups_by_purpose(client, user):
    usage(user, request_type="report")
    usage(user, request_type="interview_turn")
    page = html(client, user)
    assert "Report grading" in page and "Interview turns" in page


def test_usage_cost_uses_price_table(user):
    usage(user, model_name="gpt-4o", prompt_tokens=1000, completion_tokens=1000)
    assert usage_summary(TokenUsage.objects.all()).total.cost_display == "$0.0900"


def test_usage_cost_of_unknown_model_is_unknown(user):
    usage(user, model_name="mystery-model")
    assert usage_summary(TokenUsage.objects.all()).total.cost_display == "unknown"


def test_usage_cost_names_unpriced_tokens(user):
    usage(user, model_name="gpt-4o", prompt_tokens=1000, completion_tokens=0)
    usage(user, model_name="mystery-model", prompt_tokens=40, completion_tokens=2)
    assert usage_summary(TokenUsage.objects.all()).total.cost_display == "$0.0300 + unknown for 42 tokens"


def test_usage_page_shows_unknown_cost(client, user):
    usage(user, model_name="mystery-model")
    assert "unknown" in html(client, user)


def test_usage_all_lists_every_user(client, admin_user, user):
    usage(user)
    usage(UserFactory(username="someone_else"))
    page = html(client, admin_user, "usage_all")
    assert "candidate" in page and "someone_else" in page


def test_usage_all_shows_merge_history(client, admin_user):
    MergeTokenStatsFactory(source_branch="feature/reports", commit_sha="a" * 40, total_tokens=1234)
    assert "feature/reports" in html(client, admin_user, "usage_all")


def test_usage_all_empty_merge_history_explains_command(client, admin_user):
    assert "No merges recorded yet" in html(client, admin_user, "usage_all")


def test_usage_mine_links_all_users_for_admin(client, admin_user):
    assert reverse("usage_all") in html(client, admin_user)
