"""The account activity page: a user's own audit events."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from interview.audit.actions import action_label
from interview.audit.selectors import audit_events_for_account

PAGE_SIZE = 50


@login_required
def account_activity(request: HttpRequest) -> HttpResponse:
    """Logins, failed logins, password and role changes and exports of the user's data, newest first."""
    page = Paginator(audit_events_for_account(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        {"event": event, "label": action_label(event.action), "by_someone_else": event.actor_id != request.user.pk}
        for event in page
    ]
    return render(request, "audit/activity.html", {"page": page, "rows": rows})
