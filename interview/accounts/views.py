"""Account pages of ours: role requests and email verification (sign-in itself is allauth's, see urls.py)."""

from __future__ import annotations

from typing import cast
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from interview.accounts import selectors as sel
from interview.accounts.email_verification import email_verification_send
from interview.accounts.forms import RoleDecisionForm, RoleRequestForm
from interview.accounts.permissions import ADMIN, INTERVIEWER, is_candidate, role_required
from interview.accounts.roles import role_request_create, role_request_decide_one
from interview.core.errors import ErrorCode, ServiceError
from interview.core.pages import add_service_errors, safe_next_url

# --- Sign-in pages that keep their old addresses (allauth serves the rest) --------------------------


def password_change_done(request: HttpRequest) -> HttpResponse:
    """The old "password changed" address: allauth's change page says so itself."""
    return redirect("account_change_password")


def too_many_requests(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """allauth's rate limits (sign-up, password reset, login requests) answer with this page: 429 and Retry-After."""
    response = render(request, "429.html", status=429)
    response["Retry-After"] = "60"
    return response


# --- Roles ------------------------------------------------------------------------------------------


@login_required
def role_request(request: HttpRequest) -> HttpResponse:
    """A candidate asks for the interviewer role and sees their earlier requests."""
    if not is_candidate(request.user):
        return render(request, "registration/role_denied.html", {"required_roles": ("candidate",)}, status=403)
    form = RoleRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            role_request_create(user=request.user, requested_role=INTERVIEWER, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        except ServiceError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "Your request has been sent to the admins.")
            return redirect("role_request")
    requests = list(sel.role_requests_for_user(request.user))
    context = {"form": form, "requests": requests, "has_pending": any(r.status == "pending" for r in requests)}
    return render(request, "hiring/role_request.html", context, status=400 if form.errors else 200)


@role_required(ADMIN)
def role_request_admin(request: HttpRequest) -> HttpResponse:
    """Admins: pending role requests to decide, and the recent decisions."""
    context = {"pending": sel.role_requests_pending(), "recent": sel.role_requests_recent(), "form": RoleDecisionForm()}
    return render(request, "hiring/role_requests.html", context)


@require_POST
@role_required(ADMIN)
def role_request_decision(request: HttpRequest, request_id: int) -> HttpResponse:
    """Approve or reject one pending request with notes; a decided request stays as it is."""
    form = RoleDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose approve or reject; notes are at most 2000 characters.")
        return redirect("role_request_admin")
    try:
        decided = role_request_decide_one(
            request_id=request_id,
            decision=form.cleaned_data["decision"],
            reviewer=request.user,
            notes=form.cleaned_data["admin_notes"],
            now=timezone.now(),
        )
    except ServiceError as exc:
        if exc.code == "not_found":
            raise Http404(exc.message) from exc
        messages.error(request, exc.message)
    else:
        messages.success(request, f"{decided.get_status_display()}: {decided.user.username}'s request.")
    return redirect("role_request_admin")


# --- Email verification -----------------------------------------------------------------------------


@login_required
def email_verify(request: HttpRequest) -> HttpResponse:
    """Whether the user's email is verified, and a button that emails a new verification link."""
    next_url = safe_next_url(request)
    if request.method == "POST":
        try:
            sent = email_verification_send(request=request, user=request.user, next_url=next_url)
        except ServiceError as exc:
            messages.error(request, exc.message)
        else:
            if sent:
                messages.success(request, f"We sent a verification link to {cast(User, request.user).email}.")
            else:
                messages.error(request, "A link was sent moments ago (or could not be sent); try again in a minute.")
        target = reverse("email_verify")
        return redirect(f"{target}?{urlencode({REDIRECT_FIELD_NAME: next_url})}" if next_url else target)
    return render(request, "hiring/verify_email.html", {"next": next_url})


@login_required
def email_verify_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """A link in the format used before allauth: no longer valid, ask for a new one."""
    context = {
        "error": f"This verification link is no longer valid (code {ErrorCode.INVALID_LINK}). Ask for a new one.",
        "next": safe_next_url(request),
    }
    return render(request, "hiring/verify_email.html", context, status=400)
