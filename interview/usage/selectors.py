"""Reads for the token-usage pages: totals by month, purpose and user, and the merge history."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db.models import Count, QuerySet, Sum
from django.db.models.functions import TruncMonth

from interview.llm.pricing import cost_of
from interview.models import MergeTokenStats, TokenUsage

PURPOSE_LABELS = {
    "interview_turn": "Interview turns",
    "key_questions": "Key questions",
    "job_parse": "Job listing parsing",
    "resume_parse": "Resume parsing",
    "report": "Report grading",
    "chat_completion": "Chat completions",
}


@dataclass
class UsageRow:
    """Token counts and estimated cost of a group of requests; cost is None when none of it could be priced."""

    label: str
    requests: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    total_tokens: int = 0
    cost: Decimal | None = None
    unpriced_tokens: int = 0

    def add(self, row: dict[str, Any]) -> None:
        prompt, completion = row["prompt"] or 0, row["completion"] or 0
        self.requests += row["count"]
        self.prompt_tokens += prompt
        self.completion_tokens += completion
        self.total_tokens += prompt + completion
        cost = cost_of(row["model_name"], prompt, completion)
        if cost is None:
            self.unpriced_tokens += prompt + completion
        else:
            self.cost = (self.cost or Decimal(0)) + cost

    @property
    def cost_display(self) -> str:
        """The cost in USD, "unknown" when nothing is priced, with the unpriced tokens named when some are."""
        if self.cost is None:
            return "unknown" if self.unpriced_tokens else "$0.00"
        text = f"${self.cost:,.4f}" if self.cost < 1 else f"${self.cost:,.2f}"
        return f"{text} + unknown for {self.unpriced_tokens:,} tokens" if self.unpriced_tokens else text


@dataclass
class UsageSummary:
    """Usage in total, by month (newest first), by purpose, and by user when asked for."""

    total: UsageRow
    by_month: list[UsageRow]
    by_purpose: list[UsageRow]
    by_user: list[UsageRow] = field(default_factory=list)


def usage_summary(rows: QuerySet[TokenUsage], *, by_user: bool = False) -> UsageSummary:
    """Summarise TokenUsage rows, pricing each model's share with the one price table."""
    total = UsageRow("All")
    for row in _grouped(rows, "model_name"):
        total.add(row)
    months: dict[datetime, UsageRow] = defaultdict(lambda: UsageRow(""))
    for row in _grouped(rows.annotate(month=TruncMonth("created_at")), "month"):
        months[row["month"]].add(row)
    for month, item in months.items():
        item.label = f"{month:%B %Y}"
    purposes: dict[str, UsageRow] = {}
    for row in _grouped(rows, "request_type"):
        key = row["request_type"] or ""
        purposes.setdefault(key, UsageRow(PURPOSE_LABELS.get(key, key or "Unspecified"))).add(row)
    users: dict[str, UsageRow] = {}
    if by_user:
        for row in _grouped(rows, "user__username"):
            name = row["user__username"] or "(deleted user)"
            users.setdefault(name, UsageRow(name)).add(row)
    return UsageSummary(
        total=total,
        by_month=[months[m] for m in sorted(months, reverse=True)],
        by_purpose=sorted(purposes.values(), key=lambda r: -r.total_tokens),
        by_user=sorted(users.values(), key=lambda r: -r.total_tokens),
    )


def _grouped(rows: QuerySet[TokenUsage], key: str) -> QuerySet[Any]:
    fields = [key] if key == "model_name" else [key, "model_name"]
    return (
        rows.order_by()
        .values(*fields)
        .annotate(prompt=Sum("prompt_tokens"), completion=Sum("completion_tokens"), count=Count("id"))
    )


def usage_for_user(user: Any) -> QuerySet[TokenUsage]:
    """The user's own TokenUsage rows."""
    return TokenUsage.objects.filter(user=user)


def merge_history(limit: int = 100) -> list[MergeTokenStats]:
    """The latest merge records, newest first."""
    return list(MergeTokenStats.objects.select_related("merged_by").order_by("-merge_date", "-id")[:limit])
