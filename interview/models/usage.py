"""The ledger of LLM token usage and the per-merge roll-ups of it."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.db.models import Count, Sum

from interview.llm.pricing import cost_of


class TokenUsage(models.Model):
    """One LLM request's token counts, attributed to a user, a purpose and a branch."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="token_usages"
    )
    model_name = models.CharField(max_length=50)
    prompt_tokens = models.IntegerField()
    completion_tokens = models.IntegerField()
    total_tokens = models.IntegerField(default=0, editable=False)
    request_type = models.CharField(max_length=50, blank=True)
    branch_name = models.CharField(max_length=100, blank=True, db_index=True)
    # True when the server reported no usage and the counts were estimated with tiktoken.
    estimated = models.BooleanField(default=False)
    chat = models.ForeignKey(
        "interview.Chat", on_delete=models.SET_NULL, null=True, blank=True, related_name="token_usages"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "token usage"

    def __str__(self) -> str:
        return f"{self.model_name}: {self.total_tokens} tokens ({self.request_type or 'request'})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.total_tokens = (self.prompt_tokens or 0) + (self.completion_tokens or 0)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"prompt_tokens", "completion_tokens"} & set(update_fields):
            kwargs["update_fields"] = set(update_fields) | {"total_tokens"}
        super().save(*args, **kwargs)

    def estimate_cost(self) -> Decimal | None:
        """Return the request's cost in USD from the price table, or None for an unknown model."""
        return cost_of(self.model_name, self.prompt_tokens or 0, self.completion_tokens or 0)

    @classmethod
    def get_branch_summary(cls, branch: str) -> dict[str, Any]:
        """Aggregate a branch's usage: token sums, request count, known cost and unpriced tokens."""
        rows = cls.objects.filter(branch_name=branch)
        totals = rows.aggregate(
            prompt=Sum("prompt_tokens"),
            completion=Sum("completion_tokens"),
            total=Sum("total_tokens"),
            count=Count("id"),
        )
        cost = Decimal(0)
        unpriced_tokens = 0
        by_model = rows.values("model_name").annotate(
            prompt=Sum("prompt_tokens"), completion=Sum("completion_tokens"), total=Sum("total_tokens")
        )
        for row in by_model:
            model_cost = cost_of(row["model_name"], row["prompt"] or 0, row["completion"] or 0)
            if model_cost is None:
                unpriced_tokens += row["total"] or 0
            else:
                cost += model_cost
        return {
            "branch_name": branch,
            "total_prompt_tokens": totals["prompt"] or 0,
            "total_completion_tokens": totals["completion"] or 0,
            "total_tokens": totals["total"] or 0,
            "request_count": totals["count"] or 0,
            "total_cost": cost,
            "unpriced_tokens": unpriced_tokens,
        }


class MergeTokenStats(models.Model):
    """The token usage of a branch when it was merged, with running totals across merges."""

    source_branch = models.CharField(max_length=100)
    target_branch = models.CharField(max_length=100, default="main")
    commit_sha = models.CharField(max_length=40, unique=True)
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="merge_token_stats"
    )
    merge_date = models.DateTimeField(auto_now_add=True, db_index=True)
    total_prompt_tokens = models.IntegerField(default=0)
    total_completion_tokens = models.IntegerField(default=0)
    total_tokens = models.IntegerField(default=0)
    request_count = models.IntegerField(default=0)
    cumulative_total_tokens = models.IntegerField(default=0)
    cumulative_total_cost = models.FloatField(default=0.0)
    pr_number = models.IntegerField(null=True, blank=True)
    notes = models.TextField(blank=True)
    # The priced cost of this merge's usage, fixed when the merge is recorded.
    total_cost = models.FloatField(default=0.0)
    # Tokens from models with no known price: counted, never guessed at.
    unpriced_tokens = models.IntegerField(default=0)

    class Meta:
        ordering = ["-merge_date", "-id"]
        verbose_name_plural = "merge token stats"

    def __str__(self) -> str:
        return f"{self.source_branch} → {self.target_branch} @ {self.commit_sha[:8]}"

    @property
    def branch_cost(self) -> float:
        """The USD cost of the usage this merge brought in (priced models only)."""
        return self.total_cost

    @classmethod
    def create_from_branch(
        cls,
        source_branch: str,
        commit_sha: str,
        merged_by: Any = None,
        *,
        target_branch: str = "main",
        pr_number: int | None = None,
        notes: str = "",
    ) -> MergeTokenStats:
        """Record a merge from the branch's TokenUsage rows, adding to the previous running totals."""
        summary = TokenUsage.get_branch_summary(source_branch)
        with transaction.atomic():
            previous = cls.objects.select_for_update().order_by("-merge_date", "-id").first()
            prev_tokens = previous.cumulative_total_tokens if previous else 0
            prev_cost = previous.cumulative_total_cost if previous else 0.0
            branch_cost = float(summary["total_cost"])
            return cls.objects.create(
                source_branch=source_branch,
                target_branch=target_branch,
                commit_sha=commit_sha,
                merged_by=merged_by,
                total_prompt_tokens=summary["total_prompt_tokens"],
                total_completion_tokens=summary["total_completion_tokens"],
                total_tokens=summary["total_tokens"],
                request_count=summary["request_count"],
                total_cost=branch_cost,
                unpriced_tokens=summary["unpriced_tokens"],
                cumulative_total_tokens=prev_tokens + summary["total_tokens"],
                cumulative_total_cost=round(prev_cost + branch_cost, 6),
                pr_number=pr_number,
                notes=notes,
            )

    @classmethod
    def get_total_cumulative_tokens(cls) -> int:
        """Return the running token total after the latest merge (0 when none)."""
        latest = cls.objects.order_by("-merge_date", "-id").first()
        return latest.cumulative_total_tokens if latest else 0

    @classmethod
    def get_total_cumulative_cost(cls) -> float:
        """Return the running cost after the latest merge (0.0 when none)."""
        latest = cls.objects.order_by("-merge_date", "-id").first()
        return latest.cumulative_total_cost if latest else 0.0

    @classmethod
    def get_breakdown_summary(cls) -> dict[str, Any]:
        """Return totals across all merges and a per-branch breakdown, oldest merge first."""
        merges = list(cls.objects.order_by("merge_date", "id"))
        return {
            "merge_count": len(merges),
            "total_tokens": sum(m.total_tokens for m in merges),
            "total_prompt_tokens": sum(m.total_prompt_tokens for m in merges),
            "total_completion_tokens": sum(m.total_completion_tokens for m in merges),
            "total_requests": sum(m.request_count for m in merges),
            "total_cost": round(sum(m.total_cost for m in merges), 6),
            "cumulative_total_tokens": merges[-1].cumulative_total_tokens if merges else 0,
            "cumulative_total_cost": merges[-1].cumulative_total_cost if merges else 0.0,
            "branches": [
                {
                    "source_branch": m.source_branch,
                    "target_branch": m.target_branch,
                    "commit_sha": m.commit_sha,
                    "merge_date": m.merge_date.isoformat(),
                    "total_tokens": m.total_tokens,
                    "request_count": m.request_count,
                    "cost": m.total_cost,
                    "cumulative_total_tokens": m.cumulative_total_tokens,
                    "cumulative_total_cost": m.cumulative_total_cost,
                }
                for m in merges
            ],
        }


class BudgetAlert(models.Model):
    """The monthly spending-cap email sent for a month and threshold: the unique row makes it go out once."""

    month = models.DateField()  # the first day of the month
    threshold = models.PositiveSmallIntegerField()  # percent of LLM_MONTHLY_BUDGET_USD
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["month", "threshold"], name="budget_alert_once_per_month")]

    def __str__(self) -> str:
        return f"{self.threshold} % of the budget, {self.month:%B %Y}"
