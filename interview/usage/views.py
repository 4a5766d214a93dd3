"""The token-usage pages: a user's own usage, and everyone's for admins."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from interview.accounts.permissions import ADMIN, is_interviewer, role_required
from interview.models import MergeTokenStats, TokenUsage
from interview.usage import selectors as sel
from interview.usage.quotas import daily_quota, monthly_spend


@login_required
def usage_mine(request: HttpRequest) -> HttpResponse:
    """The user's own token usage and estimated cost, by month and by purpose."""
    context = {
        "summary": sel.usage_summary(sel.usage_for_user(request.user)),
        "quota": daily_quota(request.user, now=timezone.now()),
        "all_users": False,
        "can_manage_setup": is_interviewer(request.user),
    }
    return render(request, "reports/usage.html", context)


@role_required(ADMIN)
def usage_all(request: HttpRequest) -> HttpResponse:
    """Token usage and estimated cost across all users, with the merge history."""
    context = {
        "summary": sel.usage_summary(TokenUsage.objects.all(), by_user=True),
        "spend": monthly_spend(now=timezone.now()),
        "all_users": True,
        "merges": sel.merge_history(),
        "cumulative_tokens": MergeTokenStats.get_total_cumulative_tokens(),
        "cumulative_cost": MergeTokenStats.get_total_cumulative_cost(),
        "can_manage_setup": True,
    }
    return render(request, "reports/usage.html", context)
