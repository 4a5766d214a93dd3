"""`manage.py record_merge`: a merge record from the branch's token usage, added to the running totals."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from interview.models import MergeTokenStats
from tests.factories import MergeTokenStatsFactory, TokenUsageFactory, UserFactory

pytestmark = pytest.mark.django_db
SHA = "0123456789abcdef0123456789abcdef01234567"


def record(*args: str) -> str:
    out = io.StringIO()
    call_command("record_merge", *args, stdout=out)
    return out.getvalue()


def test_record_merge_sums_branch_usage(db):
    TokenUsageFactory(branch_name="feature/x", prompt_tokens=100, completion_tokens=50)
    TokenUsageFactory(branch_name="feature/x", prompt_tokens=10, completion_tokens=5)
    TokenUsageFactory(branch_name="other", prompt_tokens=999)
    record("--source-branch", "feature/x", "--commit", SHA)
    merge = MergeTokenStats.objects.get()
    assert (merge.total_tokens, merge.request_count) == (165, 2)


def test_record_merge_adds_to_running_total(db):
    MergeTokenStatsFactory(cumulative_total_tokens=1000)
    TokenUsageFactory(branch_name="feature/x", prompt_tokens=100, completion_tokens=0)
    record("--source-branch", "feature/x", "--commit", SHA)
    assert MergeTokenStats.objects.get(commit_sha=SHA).cumulative_total_tokens == 1100


def test_record_merge_prices_known_models(db):
    TokenUsageFactory(branch_name="feature/x", model_name="gpt-4o", prompt_tokens=1000, completion_tokens=1000)
    record("--source-branch", "feature/x", "--commit", SHA)
    assert MergeTokenStats.objects.get().total_cost == pytest.approx(0.09)


def test_record_merge_keeps_options(db):
    UserFactory(username="lead")
    record("--source-branch", "feature/x", "--commit", SHA, "--pr", "42", "--merged-by", "lead", "--notes", "issue 8")
    merge = MergeTokenStats.objects.get()
    assert (merge.pr_number, merge.merged_by.username, merge.notes, merge.target_branch) == (
        42,
        "lead",
        "issue 8",
        "main",
    )


def test_record_merge_prints_summary(db):
    assert "Running total" in record("--source-branch", "feature/x", "--commit", SHA)


def test_record_merge_rejects_duplicate_commit(db):
    record("--source-branch", "feature/x", "--commit", SHA)
    with pytest.raises(CommandError, match="already recorded"):
        record("--source-branch", "feature/y", "--commit", SHA)


def test_record_merge_rejects_bad_sha(db):
    with pytest.raises(CommandError, match="hex digits"):
        record("--source-branch", "feature/x", "--commit", "not-a-sha")


def test_record_merge_rejects_unknown_user(db):
    with pytest.raises(CommandError, match="No user named"):
        record("--source-branch", "feature/x", "--commit", SHA, "--merged-by", "ghost")


def test_record_merge_requires_branch(db):
    with pytest.raises(CommandError):
        record("--commit", SHA)
