"""Accounts: register, log in and change password (log out is Django's POST-only LogoutView)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME, login
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters

from interview.accounts.forms import LoginForm, RegisterForm


def _safe_next_url(request: HttpRequest) -> str:
    """Return the requested ``next`` URL when it stays on this site, else an empty string."""
    url = request.POST.get(REDIRECT_FIELD_NAME) or request.GET.get(REDIRECT_FIELD_NAME, "")
    allowed = url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return url if allowed else ""


@sensitive_post_parameters("password1", "password2")
@csrf_protect
@never_cache
def register(request: HttpRequest) -> HttpResponse:
    """Show the sign-up form; on success log the new user in and send them on."""
    next_url = _safe_next_url(request)
    if request.user.is_authenticated:
        return redirect(next_url or settings.LOGIN_REDIRECT_URL)
    form = RegisterForm(request.POST) if request.method == "POST" else RegisterForm()
    if form.is_bound and form.is_valid():
        try:
            user = form.save()
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


class PasswordChangeView(auth_views.PasswordChangeView):
    """Change the password of the logged-in user, keeping them logged in."""
