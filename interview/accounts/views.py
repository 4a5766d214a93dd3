"""Account pages: register, log in, change password (log out is Django's POST-only LogoutView), role
requests and email verification."""

from __future__ import annotations

from collections.abc import Callable
from typing import cast
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME, login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from interview.accounts import selectors as sel
from interview.accounts.email_verification import email_verification_confirm, email_verification_send
from interview.accounts.forms import LoginForm, RegisterForm, RoleDecisionForm, RoleRequestForm
from interview.accounts.permissions import ADMIN, INTERVIEWER, is_candidate, role_required
from interview.accounts.roles import role_request_create, role_request_decide_one
from interview.audit.actions import AuditAction
from interview.audit.services import audit_record
from interview.core.errors import ServiceError
from interview.core.pages import add_service_errors, safe_next_url

# --- Sign-up, login, password -----------------------------------------------------------------------


@sensitive_post_parameters("password1", "password2")
@csrf_protect
@never_cache
def register(request: HttpRequest) -> HttpResponse:
    """Show the sign-up form; on success log the new user in and send them on."""
    next_url = safe_next_url(request)
    if request.user.is_authenticated:
        return redirect(next_url or settings.LOGIN_REDIRECT_URL)
    form = RegisterForm(request.POST) if request.method == "POST" else RegisterForm()
    if form.is_bound and form.is_valid():
        try:
            with transaction.atomic():
                user = form.save()
                audit_record(actor=user, action=AuditAction.SIGNUP, target=user, request=request)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            login(request, user)
            messages.success(request, f"Welcome, {user.get_username()}! Your account is ready.")
            return redirect(next_url or settings.LOGIN_REDIRECT_URL)
    return render(request, "registration/register.html", {"form": form, "next": next_url})


class LoginView(auth_views.LoginView):
    """Log in with a username or an email address."""

    form_class = LoginForm

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        with transaction.atomic():  # last_login and the login's audit event (a user_logged_in receiver) together
            return super().form_valid(form)


class PasswordChangeView(auth_views.PasswordChangeView):
    """Change the password of the logged-in user, keeping them logged in."""

    def form_valid(self, form: PasswordChangeForm) -> HttpResponse:
        with transaction.atomic():  # the new password and its audit event commit together
            response = super().form_valid(form)
            user = form.user
            audit_record(actor=user, action=AuditAction.PASSWORD_CHANGED, target=user, request=self.request)
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


def verify_link_builder(request: HttpRequest, next_url: str = "") -> Callable[[str], str]:
    """A function turning a verification token into the absolute link emailed to the user."""

    def build(token: str) -> str:
        path = reverse("email_verify_confirm", kwargs={"token": token})
        if next_url:
            path += "?" + urlencode({REDIRECT_FIELD_NAME: next_url})
        return request.build_absolute_uri(path)

    return build


@login_required
def email_verify(request: HttpRequest) -> HttpResponse:
    """Whether the user's email is verified, and a button that emails a new verification link."""
    next_url = safe_next_url(request)
    if request.method == "POST":
        try:
            sent = email_verification_send(
                user=request.user, link_for=verify_link_builder(request, next_url), now=timezone.now()
            )
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
    """The emailed link: verify the user's current address, then continue where they were going."""
    try:
        email_verification_confirm(user=request.user, token=token, now=timezone.now())
    except ServiceError as exc:
        context = {"error": exc.message, "next": safe_next_url(request)}
        return render(request, "hiring/verify_email.html", context, status=400)
    messages.success(request, f"Thank you: {cast(User, request.user).email} is verified.")
    return redirect(safe_next_url(request) or "email_verify")
