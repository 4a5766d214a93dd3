"""The data-model contract for the token ledger (TokenUsage) and per-merge roll-ups (MergeTokenStats)."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from interview.models import MergeTokenStats, TokenUsage
from tests.factories import MergeTokenStatsFactory, TokenUsageFactory, UserFactory

User = get_user_model()

FIELD_SPEC = [
    # (model, field, internal type, attributes the spec fixes)
    (TokenUsage, "user", "ForeignKey", {"related_model": User, "null": True, "blank": True}),
    (TokenUsage, "model_name", "CharField", {"max_length": 50, "blank": False}),
    (TokenUsage, "prompt_tokens", "IntegerField", {"null": False}),
    (TokenUsage, "completion_tokens", "IntegerField", {"null": False}),
    (TokenUsage, "total_tokens", "IntegerField", {}),
    (TokenUsage, "request_type", "CharField", {"max_length": 50, "blank": True}),
    (TokenUsage, "branch_name", "CharField", {"max_length": 100, "blank": True}),
    (TokenUsage, "created_at", "DateTimeField", {"auto_now_add": True}),
    (MergeTokenStats, "source_branch", "CharField", {"max_length": 100, "blank": False}),
    (MergeTokenStats, "target_branch", "CharField", {"max_length": 100, "default": "main"}),
    (MergeTokenStats, "commit_sha", "CharField", {"max_length": 40, "unique": True}),
    (MergeTokenStats, "merged_by", "ForeignKey", {"related_model": User, "null": True, "blank": True}),
    (MergeTokenStats, "merge_date", "DateTimeField", {"auto_now_add": True}),
    (MergeTokenStats, "total_prompt_tokens", "IntegerField", {"default": 0}),
    (MergeTokenStats, "total_completion_tokens", "IntegerField", {"default": 0}),
    (MergeTokenStats, "total_tokens", "IntegerField", {"default": 0}),
    (MergeTokenStats, "request_count", "IntegerField", {"default": 0}),
    (MergeTokenStats, "cumulative_total_tokens", "IntegerField", {"default": 0}),
    (MergeTokenStats, "cumulative_total_cost", "FloatField", {"default": 0.0}),
    (MergeTokenStats, "pr_number", "IntegerField", {"null": True, "blank": True}),
    (MergeTokenStats, "notes", "TextField", {"blank": True}),
]


@pytest.mark.parametrize(
    ("model", "field_name", "internal_type", "attrs"),
    FIELD_SPEC,
    ids=[f"{m.__name__}.{f}" for m, f, _, _ in FIELD_SPEC],
)
def test_usage_field_matches_spec(model, field_name, internal_type, attrs):
    field = model._meta.get_field(field_name)
    assert field.get_internal_type() == internal_type
    for attr, expected in attrs.items():
        assert getattr(field, attr) == expected, f"{model.__name__}.{field_name}.{attr}"


@pytest.mark.parametrize(
    ("field_name", "expected"),
    [
        ("target_branch", "main"),
        ("total_prompt_tokens", 0),
        ("total_completion_tokens", 0),
        ("total_tokens", 0),
        ("request_count", 0),
        ("cumulative_total_tokens", 0),
        ("cumulative_total_cost", 0.0),
        ("pr_number", None),
        ("notes", ""),
    ],
)
def test_mergetokenstats_default(db, field_name, expected):
    stats = MergeTokenStats.objects.create(source_branch="feature/x", commit_sha="abc123")
    stats.refresh_from_db()
    assert getattr(stats, field_name) == expected


# --- TokenUsage.save ------------------------------------------------------------------------------


def test_tokenusage_save_computes_total(user):
    usage = TokenUsage.objects.create(user=user, model_name="gpt-4o", prompt_tokens=1500, completion_tokens=800)
    usage.refresh_from_db()
    assert usage.total_tokens == 2300


def test_tokenusage_save_overrides_given_total(user):
    usage = TokenUsage.objects.create(
        user=user, model_name="gpt-4o", prompt_tokens=10, completion_tokens=5, total_tokens=999
    )
    usage.refresh_from_db()
    assert usage.total_tokens == 15


def test_tokenusage_save_recomputes_total_on_update(db):
    usage = TokenUsageFactory(prompt_tokens=100, completion_tokens=50)
    usage.completion_tokens = 250
    usage.save()
    usage.refresh_from_db()
    assert usage.total_tokens == 350


@pytest.mark.parametrize("field_name", ["prompt_tokens", "completion_tokens"])
def test_tokenusage_save_update_fields_includes_total(db, field_name):
    usage = TokenUsageFactory(prompt_tokens=100, completion_tokens=50)
    setattr(usage, field_name, 1000)
    usage.save(update_fields=[field_name])
    usage.refresh_from_db()
    assert usage.total_tokens == usage.prompt_tokens + usage.completion_tokens


def test_tokenusage_user_optional(db):
    usage = TokenUsage(model_name="gpt-4o", prompt_tokens=1, completion_tokens=1)
    usage.full_clean()
    usage.save()
    assert usage.user is None


def test_tokenusage_spec_example_creates(user):
    usage = TokenUsage.objects.create(
        user=user,
        model_name="gpt-4o",
        prompt_tokens=1500,
        completion_tokens=800,
        request_type="chat_completion",
        branch_name="feature/new-interview",
    )
    assert (usage.total_tokens, usage.estimate_cost()) == (2300, Decimal("0.093"))


def test_tokenusage_model_name_too_long_rejected(db):
    usage = TokenUsage(model_name="m" * 51, prompt_tokens=1, completion_tokens=1)
    with pytest.raises(ValidationError) as exc:
        usage.full_clean()
    assert list(exc.value.message_dict) == ["model_name"]


def test_tokenusage_str_names_model_and_total(db):
    text = str(TokenUsageFactory(model_name="gpt-4o", prompt_tokens=1500, completion_tokens=800))
    assert "gpt-4o" in text
    assert "2300" in text


# --- TokenUsage.get_branch_summary --------------------------------------------------------------------


@pytest.fixture
def branch_rows(db):
    TokenUsageFactory(branch_name="feature/a", model_name="gpt-4o", prompt_tokens=1500, completion_tokens=800)
    TokenUsageFactory(branch_name="feature/a", model_name="gpt-4o", prompt_tokens=500, completion_tokens=200)
    TokenUsageFactory(branch_name="feature/a", model_name="mystery-llm", prompt_tokens=70, completion_tokens=30)
    TokenUsageFactory(branch_name="feature/b", model_name="gpt-4o", prompt_tokens=99_999, completion_tokens=1)
    TokenUsageFactory(branch_name="main", model_name="gpt-4o", prompt_tokens=12_345, completion_tokens=1)


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("branch_name", "feature/a"),
        ("total_prompt_tokens", 2070),
        ("total_completion_tokens", 1030),
        ("total_tokens", 3100),
        ("request_count", 3),
        ("unpriced_tokens", 100),
        ("total_cost", Decimal("0.12")),
    ],
)
def test_tokenusage_get_branch_summary_sums_branch_only(branch_rows, key, expected):
    assert TokenUsage.get_branch_summary("feature/a")[key] == expected


def test_tokenusage_get_branch_summary_unknown_branch_is_zero(branch_rows):
    summary = TokenUsage.get_branch_summary("feature/none")
    assert (summary["total_tokens"], summary["request_count"], summary["total_cost"]) == (0, 0, 0)


# --- MergeTokenStats -------------------------------------------------------------------------------


@pytest.fixture
def three_merges(db):
    """Three branches merged in order: a (two priced models), b (with an unknown model), c (Claude)."""
    merger = UserFactory(username="merger")
    TokenUsageFactory(branch_name="feature/a", model_name="gpt-4o", prompt_tokens=1500, completion_tokens=800)
    TokenUsageFactory(
        branch_name="feature/a", model_name="gpt-4o-mini-2024-07-18", prompt_tokens=1000, completion_tokens=1000
    )
    TokenUsageFactory(branch_name="feature/b", model_name="gpt-4o", prompt_tokens=1000, completion_tokens=0)
    TokenUsageFactory(branch_name="feature/b", model_name="mystery-llm", prompt_tokens=400, completion_tokens=100)
    TokenUsageFactory(
        branch_name="feature/c", model_name="claude-sonnet-4-5", prompt_tokens=2000, completion_tokens=1000
    )
    # Usage on an unmerged branch never reaches any merge.
    TokenUsageFactory(branch_name="feature/unmerged", model_name="gpt-4o", prompt_tokens=50_000, completion_tokens=1)
    return [
        MergeTokenStats.create_from_branch("feature/a", "a" * 40, merger),
        MergeTokenStats.create_from_branch("feature/b", "b" * 40, merger, pr_number=12),
        MergeTokenStats.create_from_branch(source_branch="feature/c", commit_sha="c" * 40, merged_by=merger),
    ]


@pytest.mark.parametrize(
    ("index", "prompt", "completion", "total", "requests"),
    [(0, 2500, 1800, 4300, 2), (1, 1400, 100, 1500, 2), (2, 2000, 1000, 3000, 1)],
    ids=["a", "b", "c"],
)
def test_mergetokenstats_create_from_branch_per_merge_totals(three_merges, index, prompt, completion, total, requests):
    merge = MergeTokenStats.objects.get(pk=three_merges[index].pk)
    assert (merge.total_prompt_tokens, merge.total_completion_tokens) == (prompt, completion)
    assert (merge.total_tokens, merge.request_count) == (total, requests)


@pytest.mark.parametrize(("index", "cost"), [(0, 0.09375), (1, 0.03), (2, 0.021)], ids=["a", "b", "c"])
def test_mergetokenstats_branch_cost(three_merges, index, cost):
    assert MergeTokenStats.objects.get(pk=three_merges[index].pk).branch_cost == pytest.approx(cost)


@pytest.mark.parametrize(("index", "unpriced"), [(0, 0), (1, 500), (2, 0)], ids=["a", "b", "c"])
def test_mergetokenstats_unpriced_tokens_recorded(three_merges, index, unpriced):
    assert MergeTokenStats.objects.get(pk=three_merges[index].pk).unpriced_tokens == unpriced


@pytest.mark.parametrize(("index", "tokens"), [(0, 4300), (1, 5800), (2, 8800)], ids=["a", "b", "c"])
def test_mergetokenstats_cumulative_total_tokens(three_merges, index, tokens):
    assert MergeTokenStats.objects.get(pk=three_merges[index].pk).cumulative_total_tokens == tokens


@pytest.mark.parametrize(("index", "cost"), [(0, 0.09375), (1, 0.12375), (2, 0.14475)], ids=["a", "b", "c"])
def test_mergetokenstats_cumulative_total_cost(three_merges, index, cost):
    assert MergeTokenStats.objects.get(pk=three_merges[index].pk).cumulative_total_cost == pytest.approx(cost)


def test_mergetokenstats_create_from_branch_records_who_and_where(three_merges):
    merge = MergeTokenStats.objects.get(pk=three_merges[1].pk)
    assert (merge.source_branch, merge.target_branch, merge.commit_sha) == ("feature/b", "main", "b" * 40)
    assert (merge.merged_by.username, merge.pr_number) == ("merger", 12)


def test_mergetokenstats_create_from_branch_custom_target(db):
    merge = MergeTokenStats.create_from_branch("feature/x", "d" * 40, None, target_branch="develop")
    assert (merge.target_branch, merge.merged_by) == ("develop", None)


def test_mergetokenstats_empty_branch_carries_cumulative_forward(three_merges):
    merge = MergeTokenStats.create_from_branch("feature/empty", "e" * 40)
    assert (merge.total_tokens, merge.request_count, merge.branch_cost) == (0, 0, 0.0)
    assert merge.cumulative_total_tokens == 8800
    assert merge.cumulative_total_cost == pytest.approx(0.14475)


def test_mergetokenstats_get_total_cumulative_tokens(three_merges):
    assert MergeTokenStats.get_total_cumulative_tokens() == 8800


def test_mergetokenstats_get_total_cumulative_cost(three_merges):
    assert MergeTokenStats.get_total_cumulative_cost() == pytest.approx(0.14475)


@pytest.mark.parametrize(
    ("method", "expected"), [("get_total_cumulative_tokens", 0), ("get_total_cumulative_cost", 0.0)]
)
def test_mergetokenstats_totals_without_merges_are_zero(db, method, expected):
    assert getattr(MergeTokenStats, method)() == expected


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("merge_count", 3),
        ("total_tokens", 8800),
        ("total_prompt_tokens", 5900),
        ("total_completion_tokens", 2900),
        ("total_requests", 5),
        ("cumulative_total_tokens", 8800),
    ],
)
def test_mergetokenstats_get_breakdown_summary_totals(three_merges, key, expected):
    assert MergeTokenStats.get_breakdown_summary()[key] == expected


@pytest.mark.parametrize("key", ["total_cost", "cumulative_total_cost"])
def test_mergetokenstats_get_breakdown_summary_cost(three_merges, key):
    assert MergeTokenStats.get_breakdown_summary()[key] == pytest.approx(0.14475)


def test_mergetokenstats_get_breakdown_summary_branches_oldest_first(three_merges):
    branches = MergeTokenStats.get_breakdown_summary()["branches"]
    assert [b["source_branch"] for b in branches] == ["feature/a", "feature/b", "feature/c"]
    assert [b["cumulative_total_tokens"] for b in branches] == [4300, 5800, 8800]
    assert [b["cost"] for b in branches] == pytest.approx([0.09375, 0.03, 0.021])


def test_mergetokenstats_get_breakdown_summary_json_serialisable(three_merges):
    json.dumps(MergeTokenStats.get_breakdown_summary())


def test_mergetokenstats_get_breakdown_summary_empty(db):
    summary = MergeTokenStats.get_breakdown_summary()
    assert (summary["merge_count"], summary["total_tokens"], summary["branches"]) == (0, 0, [])


def test_mergetokenstats_duplicate_commit_sha_integrity_error(three_merges):
    with pytest.raises(IntegrityError):
        MergeTokenStats.create_from_branch("feature/a", "a" * 40)
    assert MergeTokenStats.objects.count() == 3
    assert MergeTokenStats.get_total_cumulative_tokens() == 8800


def test_mergetokenstats_duplicate_commit_sha_full_clean_error(db):
    MergeTokenStatsFactory(commit_sha="abc123")
    with pytest.raises(ValidationError) as exc:
        MergeTokenStats(source_branch="feature/y", commit_sha="abc123").full_clean()
    assert list(exc.value.message_dict) == ["commit_sha"]


def test_mergetokenstats_commit_sha_longer_than_40_rejected(db):
    with pytest.raises(ValidationError) as exc:
        MergeTokenStats(source_branch="feature/y", commit_sha="f" * 41).full_clean()
    assert list(exc.value.message_dict) == ["commit_sha"]


def test_mergetokenstats_str_names_branches_and_short_sha(db):
    stats = MergeTokenStatsFactory(source_branch="feature/ui", commit_sha="0123456789abcdef")
    text = str(stats)
    assert "feature/ui" in text
    assert "main" in text
    assert "01234567" in text
