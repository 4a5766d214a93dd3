"""The account activity page: a user's own audit events."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from interview.audit.actions import action_label
from interview.audit.selectors import audit_events_for_account
from interview.audit.services import SYSTEM
from interview.models import AuditEvent

PAGE_SIZE = 50


def _by(event: AuditEvent, user_id: int | None) -> str:
    """Who did it, as the account's owner reads it: "you", another user's name, or nobody signed in."""
    if event.actor_id is not None and event.actor_id == user_id:
        return "you"
    if event.actor_id is None and event.actor_label != SYSTEM:
        return "someone not signed in"  # a failed login: actor_label is only the name that was tried
    return event.actor_label or "a deleted user"


@login_required
def account_activity(request: HttpRequest) -> HttpResponse:
    """Logins, failed logins and lockouts, password, second-factor, linked-account and role changes, and
    exports of the user's data, newest first."""
    page = Paginator(audit_events_for_account(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [{"event": event, "label": action_label(event.action), "by": _by(event, request.user.pk)} for event in page]
    return render(request, "audit/activity.html", {"page": page, "rows": rows})
