"""Shared page helpers: navigation flags, rendering a page with them, a safe ``next`` URL, service errors on forms."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme

from interview.accounts.permissions import is_admin, is_candidate, is_interviewer


def nav_context(user: Any) -> dict[str, bool]:
    """What the navigation shows this user."""
    return {
        "can_manage_setup": is_interviewer(user),
        "is_admin_role": is_admin(user),
        "is_candidate_role": is_candidate(user),
    }


def render_page(request: HttpRequest, template: str, context: dict[str, Any], status: int = 200) -> HttpResponse:
    """Render a page with the navigation flags of the requesting user (the context wins on a clash)."""
    return render(request, template, {**nav_context(request.user), **context}, status=status)


def safe_next_url(request: HttpRequest) -> str:
    """Return the requested ``next`` URL when it stays on this site, else an empty string."""
    url = request.POST.get(REDIRECT_FIELD_NAME) or request.GET.get(REDIRECT_FIELD_NAME, "")
    ok = url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}, require_https=request.is_secure())
    return url if ok else ""


def add_service_errors(form: forms.Form, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form, on the field it names when the form has that field."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc)
