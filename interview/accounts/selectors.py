"""Reads for accounts: a user's role requests, the pending ones and the recent decisions."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from interview.models import RoleChangeRequest

RECENT_DECISIONS = 20


def role_requests_for_user(user: Any) -> QuerySet[RoleChangeRequest]:
    """The user's own role requests, newest first."""
    return RoleChangeRequest.objects.filter(user=user).select_related("reviewed_by").order_by("-created_at", "-id")


def role_requests_pending() -> QuerySet[RoleChangeRequest]:
    """Every pending role request, oldest first (first come, first decided)."""
    return (
        RoleChangeRequest.objects.filter(status=RoleChangeRequest.PENDING)
        .select_related("user")
        .order_by("created_at", "id")
    )


def role_requests_recent(limit: int = RECENT_DECISIONS) -> list[RoleChangeRequest]:
    """The most recently decided role requests."""
    rows = RoleChangeRequest.objects.exclude(status=RoleChangeRequest.PENDING).select_related("user", "reviewed_by")
    return list(rows.order_by("-reviewed_at", "-id")[:limit])
