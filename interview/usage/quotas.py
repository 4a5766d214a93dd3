"""Daily token budgets and the monthly spending cap (docs/operations.md "Quotas and spending cap").

A user's budget is `UserProfile.daily_token_budget` when set, else their role's `LLM_DAILY_TOKENS` entry, else
unlimited. Today's usage is the prompt and completion tokens of their TokenUsage rows (estimated rows included)
since the last midnight in `TIME_ZONE`; an invited interview's rows count against the inviting interviewer, not
the candidate. The monthly spend is every row of the calendar month priced with the one price table (rows of
unknown models count 0). Checks run once when work starts (an interview, a regeneration, a parse, an
invitation), never per turn: an interview started within budget runs to its end.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Q, QuerySet, Sum
from django.utils import timezone

from interview.accounts.permissions import role_of
from interview.core.errors import ErrorCode, ServiceError
from interview.llm.pricing import cost_of
from interview.models import Chat, InterviewTemplate, TokenUsage, UserProfile

DAILY, MONTHLY = "daily", "monthly"
OFFLINE, REFUSE = "offline", "refuse"


@dataclass(frozen=True)
class DailyQuota:
    """A user's tokens used today, their budget (None: unlimited) and when the day ends."""

    used: int
    budget: int | None
    resets_at: datetime

    @property
    def remaining(self) -> int | None:
        return None if self.budget is None else max(0, self.budget - self.used)

    @property
    def exhausted(self) -> bool:
        return self.budget is not None and self.used >= self.budget

    @property
    def resets_words(self) -> str:
        return reset_words(self.resets_at)

    @property
    def resets_iso(self) -> str:
        return iso(self.resets_at)


@dataclass(frozen=True)
class MonthlySpend:
    """This calendar month's priced spend against the cap (None: no cap), and tokens no price covers."""

    spent: Decimal
    cap: Decimal | None
    unpriced_tokens: int
    resets_at: datetime
    unpriced_models: tuple[str, ...] = ()

    @property
    def percent(self) -> float | None:
        return None if not self.cap else float(self.spent / self.cap * 100)

    @property
    def exceeded(self) -> bool:
        return self.cap is not None and self.spent >= self.cap


class QuotaExceeded(ServiceError):
    """Work refused because a budget is used up: `scope` is "daily" or "monthly"; `resets_at` when it renews."""

    def __init__(self, *, message: str, scope: str, resets_at: datetime, now: datetime) -> None:
        retry_after = max(1, math.ceil((resets_at - now).total_seconds()))
        details = {"scope": scope, "resets_at": iso(resets_at), "retry_after": retry_after}
        super().__init__(ErrorCode.QUOTA_EXCEEDED, message, details=details)
        self.scope, self.resets_at, self.retry_after = scope, resets_at, retry_after


def iso(moment: datetime) -> str:
    """UTC ISO 8601 with a Z, as every API and frame time."""
    return moment.astimezone(ZoneInfo("UTC")).isoformat().replace("+00:00", "Z")


# --- Daily budget ----------------------------------------------------------------------------------


def daily_budget_for(user: Any) -> int | None:
    """The user's daily token budget: their own override, else their role's LLM_DAILY_TOKENS, else None (unlimited)."""
    override = UserProfile.objects.filter(user_id=user.pk).values_list("daily_token_budget", flat=True).first()
    if override is not None:
        return int(override)
    role = role_of(user)
    budget = settings.LLM_DAILY_TOKENS.get(role) if role else None
    return None if budget is None else int(budget)


def day_bounds(now: datetime) -> tuple[datetime, datetime]:
    """The local midnight (settings.TIME_ZONE) that started `now`'s day and the one that ends it."""
    zone = ZoneInfo(settings.TIME_ZONE)
    day = now.astimezone(zone).date()
    start = datetime.combine(day, time.min, tzinfo=zone)
    return start, datetime.combine(day + timedelta(days=1), time.min, tzinfo=zone)


def charged_to(user_id: int) -> Q:
    """The TokenUsage rows charged to a user: their own outside invitations, and every row of interviews they invited."""
    return Q(user_id=user_id, chat__invitation__isnull=True) | Q(chat__invitation__interviewer_id=user_id)


def tokens_used(user_id: int, *, since: datetime, until: datetime) -> int:
    """Prompt plus completion tokens charged to the user in [since, until), estimated rows included."""
    rows = TokenUsage.objects.filter(charged_to(user_id), created_at__gte=since, created_at__lt=until)
    totals = rows.aggregate(prompt=Sum("prompt_tokens"), completion=Sum("completion_tokens"))
    return int(totals["prompt"] or 0) + int(totals["completion"] or 0)


def daily_quota(user: Any, *, now: datetime | None = None, count_unlimited: bool = True) -> DailyQuota:
    """The user's quota today: used, budget and reset time. Without `count_unlimited` an unlimited user's usage
    is not counted (`used` 0): a check needs no aggregate over the ledger when there is no budget to hold."""
    now = now or timezone.now()
    start, end = day_bounds(now)
    budget = daily_budget_for(user)
    used = tokens_used(user.pk, since=start, until=end) if budget is not None or count_unlimited else 0
    return DailyQuota(used=used, budget=budget, resets_at=end)


def daily_check(
    user: Any, *, now: datetime | None = None, needed: int = 0, what: str = "", whose: str = "The"
) -> DailyQuota:
    """Refuse (QuotaExceeded, daily) when the user's budget is used up, or cannot hold `needed` more tokens;
    `whose` names the budget in the message ("The inviting interviewer's" for an invited interview)."""
    now = now or timezone.now()
    quota = daily_quota(user, now=now, count_unlimited=False)
    remaining = quota.remaining
    if remaining is None:
        return quota
    if quota.exhausted or needed > remaining:
        message = daily_message(quota, needed=needed, what=what, whose=whose)
        raise QuotaExceeded(message=message, scope=DAILY, resets_at=quota.resets_at, now=now)
    return quota


def daily_message(quota: DailyQuota, *, needed: int = 0, what: str = "", whose: str = "The") -> str:
    """The refusal in words: what is used, what is left and when it resets."""
    reset = reset_words(quota.resets_at)
    if needed and not quota.exhausted:
        return (
            f"{what or 'This'} needs about {needed:,} AI tokens, but only {quota.remaining:,} of the daily "
            f"budget of {quota.budget:,} are left. The budget resets {reset}."
        )
    return f"{whose} daily AI budget of {quota.budget:,} tokens is used up. It resets {reset}."


def reset_words(moment: datetime) -> str:
    """ "at midnight (00:00 UTC, 2026-12-08)": the reset time as the pages and messages say it."""
    local = moment.astimezone(ZoneInfo(settings.TIME_ZONE))
    return f"at midnight ({local:%H:%M} {settings.TIME_ZONE}, {local:%Y-%m-%d})"


# --- Who pays ------------------------------------------------------------------------------------


def payer_of(chat: Chat) -> Any:
    """The user an interview's tokens are charged to: the inviting interviewer for an invited one, else its user."""
    invitation = getattr(chat, "invitation", None)
    return invitation.interviewer if invitation is not None else chat.user


# --- Invitations: the expected cost ----------------------------------------------------------------


def invitation_expected_tokens(template: InterviewTemplate) -> int:
    """Tokens an invited interview from `template` is expected to cost (docs/operations.md has the formula).

    Every key question and each allowed follow-up is one turn of at most LLM_MAX_TOKENS_TURN completion
    tokens on a prompt of about LLM_TYPICAL_PROMPT_TOKENS; the report is one grading call of at most
    LLM_MAX_TOKENS_GRADING on a prompt of the same estimate.
    """
    prompt = int(settings.LLM_TYPICAL_PROMPT_TOKENS)
    turns = int(template.question_count) * (1 + int(template.max_follow_ups))
    return turns * (int(settings.LLM_MAX_TOKENS_TURN) + prompt) + int(settings.LLM_MAX_TOKENS_GRADING) + prompt


# --- Monthly cap -----------------------------------------------------------------------------------


def month_bounds(now: datetime) -> tuple[datetime, datetime]:
    """The first instant of `now`'s calendar month (settings.TIME_ZONE) and of the next one."""
    start, _ = day_bounds(now)
    first = start.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return first, following


def month_rows(now: datetime) -> QuerySet[TokenUsage]:
    """Every TokenUsage row of `now`'s calendar month, whoever made it."""
    first, following = month_bounds(now)
    return TokenUsage.objects.filter(created_at__gte=first, created_at__lt=following)


def monthly_spend(*, now: datetime | None = None) -> MonthlySpend:
    """This month's spend from the price table (one grouped query), against LLM_MONTHLY_BUDGET_USD."""
    now = now or timezone.now()
    spent, unpriced, unknown = Decimal(0), 0, set()
    grouped = (
        month_rows(now)
        .order_by()
        .values("model_name")
        .annotate(prompt=Sum("prompt_tokens"), completion=Sum("completion_tokens"))
    )
    for row in grouped:
        prompt, completion = int(row["prompt"] or 0), int(row["completion"] or 0)
        cost = cost_of(row["model_name"], prompt, completion)
        if cost is None:
            unpriced += prompt + completion
            unknown.add(row["model_name"])
        else:
            spent += cost
    cap = float(settings.LLM_MONTHLY_BUDGET_USD)
    return MonthlySpend(
        spent=spent,
        cap=Decimal(str(cap)) if cap > 0 else None,
        unpriced_tokens=unpriced,
        resets_at=month_bounds(now)[1],
        unpriced_models=tuple(sorted(unknown)),
    )


def monthly_message(spend: MonthlySpend) -> str:
    return (
        f"The organisation's monthly AI budget (${spend.cap:,.2f}) is used up, so new AI work is refused until "
        f"{spend.resets_at:%Y-%m-%d}."
    )


def monthly_check(*, now: datetime | None = None) -> MonthlySpend:
    """Refuse (QuotaExceeded, monthly) any new AI work once the month's spend reached the cap."""
    now = now or timezone.now()
    spend = monthly_spend(now=now)
    if spend.exceeded:
        raise QuotaExceeded(message=monthly_message(spend), scope=MONTHLY, resets_at=spend.resets_at, now=now)
    return spend


def new_interview_policy(*, now: datetime | None = None) -> str:
    """For a new interview: "" (the model may run it), "offline" (cap reached: the offline interviewer runs it);
    with LLM_BUDGET_EXCEEDED=refuse a reached cap is a QuotaExceeded (monthly)."""
    if not settings.LLM_MONTHLY_BUDGET_USD:
        return ""
    now = now or timezone.now()
    spend = monthly_spend(now=now)
    if not spend.exceeded:
        return ""
    if settings.LLM_BUDGET_EXCEEDED == REFUSE:
        raise QuotaExceeded(message=monthly_message(spend), scope=MONTHLY, resets_at=spend.resets_at, now=now)
    return OFFLINE


def budget_sends_offline(*, now: datetime | None = None) -> bool:
    """Whether a new interview would be handed to the offline interviewer by the monthly cap right now."""
    return bool(
        settings.LLM_MONTHLY_BUDGET_USD
        and settings.LLM_BUDGET_EXCEEDED == OFFLINE
        and monthly_spend(now=now or timezone.now()).exceeded
    )


def work_check(user: Any, *, now: datetime | None = None, needed: int = 0, what: str = "") -> None:
    """Refuse AI work other than an interview (a regeneration, a parse) past the user's day or the month's cap."""
    now = now or timezone.now()
    daily_check(user, now=now, needed=needed, what=what)
    if settings.LLM_MONTHLY_BUDGET_USD:
        monthly_check(now=now)
