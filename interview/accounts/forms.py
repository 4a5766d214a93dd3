"""Forms of the account pages: sign-up, login, and role requests with their decisions."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm, UserCreationForm
from django.contrib.auth.models import BaseUserManager, User
from django.core.exceptions import ValidationError
from django.db import transaction

from interview.accounts.roles import NOTES_MAX_CHARS, REASON_MAX_CHARS
from interview.models import RoleChangeRequest

EMAIL_IN_USE = "An account with this email already exists."


def normalise_email(email: str) -> str:
    """Return an email address trimmed and with its domain lower-cased (the local part may be case-sensitive)."""
    return BaseUserManager.normalize_email((email or "").strip())


def email_in_use(email: str) -> bool:
    """Return whether any account already has this email address, compared case-insensitively."""
    return get_user_model()._default_manager.filter(email__iexact=email).exists()


class RegisterForm(UserCreationForm):
    """Sign-up: a username, a unique email address and a password checked by the password validators."""

    email = forms.EmailField(
        label="Email",
        max_length=254,
        help_text="Interview invitations are sent to this address. You can also log in with it.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    class Meta(UserCreationForm.Meta):
        model = get_user_model()
        fields = ("username", "email")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].help_text = "Up to 150 characters: letters, digits and . + - _ only."

    def clean_username(self) -> str:
        username = super().clean_username()
        # The login form treats an identifier with an "@" as an email address.
        if username and "@" in username:
            raise ValidationError("Usernames cannot contain “@”; use letters, digits and . + - _ only.")
        return username

    def clean_email(self) -> str:
        email = normalise_email(self.cleaned_data["email"])
        if email_in_use(email):
            raise ValidationError(EMAIL_IN_USE, code="email_in_use")
        return email

    def save(self, commit: bool = True) -> User:
        """Create the user (and, through signals, its profile and group) in one transaction."""
        user = super().save(commit=False)  # hashes the password before the write lock is taken
        if commit:
            with transaction.atomic():
                # Checked again inside the transaction: another sign-up may have taken it meanwhile.
                if email_in_use(user.email):
                    raise ValidationError({"email": ValidationError(EMAIL_IN_USE, code="email_in_use")})
                user.save()
        return user


class LoginForm(AuthenticationForm):
    """Log in with a username or an email address."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "Please enter a correct username or email and password. The password is case-sensitive.",
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        identifier = cast(forms.CharField, self.fields["username"])
        identifier.label = "Username or email"
        # The username's own limit (150) would cut off longer email addresses.
        identifier.max_length = 254
        identifier.widget.attrs["maxlength"] = 254


class RoleRequestForm(forms.Form):
    """A candidate's request for the interviewer role."""

    reason = forms.CharField(
        required=False,
        max_length=REASON_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Tell the admins why you need it, e.g. the team you hire for.",
    )


class RoleDecisionForm(forms.Form):
    """An admin's decision on one request, with notes for the record."""

    decision = forms.ChoiceField(
        choices=[(RoleChangeRequest.APPROVED, "Approve"), (RoleChangeRequest.REJECTED, "Reject")],
    )  # sent by the submit button pressed
    admin_notes = forms.CharField(
        label="Notes",
        required=False,
        max_length=NOTES_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
