"""The spending-cap alert: admins are emailed once a month when the month's spend reaches LLM_BUDGET_ALERT_PERCENT.

Run by the settle loop (invitations_settle) and after each interview start that priced the month anyway. The
BudgetAlert row (unique per month and threshold) is created before the emails go out, so two processes checking
at once send them once; a failed email is logged, never retried (the row says it was handled).
"""

from __future__ import annotations

import logging
from datetime import date, datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse

from interview.hiring.mail import email_send, site_url
from interview.models import BudgetAlert, UserProfile
from interview.usage.quotas import MonthlySpend, month_bounds, monthly_spend

logger = logging.getLogger(__name__)


def admin_emails() -> list[str]:
    """The addresses of every active admin (by role or superuser) who has one."""
    users = get_user_model().objects.filter(is_active=True).exclude(email="")
    admins = users.filter(Q(is_superuser=True) | Q(profile__role=UserProfile.ADMIN))
    return sorted(set(admins.values_list("email", flat=True)))


def budget_alert_check(*, now: datetime, spend: MonthlySpend | None = None) -> int:
    """Email the admins once this month if the spend reached the alert threshold; return the emails sent."""
    if not settings.LLM_MONTHLY_BUDGET_USD:
        return 0
    threshold = int(settings.LLM_BUDGET_ALERT_PERCENT)
    month = month_bounds(now)[0].date()
    if BudgetAlert.objects.filter(month=month, threshold=threshold).exists():
        return 0  # the cheap read: nothing to price once this month's alert is out
    spend = spend or monthly_spend(now=now)
    if spend.percent is None or spend.percent < threshold:
        return 0
    if not _marker_created(month, threshold):
        return 0
    sent = sum(_email(address, spend, month=month, threshold=threshold) for address in admin_emails())
    logger.warning("Monthly AI spend at %.0f %% of the budget: %d admin(s) emailed", spend.percent, sent)
    return sent


def _marker_created(month: date, threshold: int) -> bool:
    """Create this month's marker; False when another process (or an earlier run) already did."""
    try:
        with transaction.atomic():
            _, created = BudgetAlert.objects.get_or_create(month=month, threshold=threshold)
    except IntegrityError:  # another process created it between our read and our insert
        return False
    return created


def _email(address: str, spend: MonthlySpend, *, month: date, threshold: int) -> bool:
    percent = round(spend.percent or 0)
    context = {
        "spend": spend,
        "percent": percent,
        "threshold": threshold,
        "month": month,
        "usage_url": site_url(reverse("usage_all")),
        "settings_refuse": settings.LLM_BUDGET_EXCEEDED == "refuse",
    }
    subject = f"AI spending at {percent} % of the monthly budget"
    return email_send(subject=subject, template="budget_alert", context=context, to=address)
