"""Forms of the account pages: allauth's sign-up and login with our wording, and role requests."""

from __future__ import annotations

from typing import Any, cast

from allauth.account.forms import LoginForm as AllauthLoginForm
from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.contrib.auth.models import BaseUserManager
from django.core.exceptions import ValidationError

from interview.accounts.adapters import EMAIL_IN_USE
from interview.accounts.roles import NOTES_MAX_CHARS, REASON_MAX_CHARS
from interview.models import RoleChangeRequest

__all__ = ["EMAIL_IN_USE", "LoginForm", "RoleDecisionForm", "RoleRequestForm", "SignupForm", "normalise_email"]

ALLAUTH_MISMATCH = "You must type the same password each time."
PASSWORD_MISMATCH = "The two password fields didn’t match."


def normalise_email(email: str) -> str:
    """Return an email address trimmed and with its domain lower-cased (the local part may be case-sensitive)."""
    return BaseUserManager.normalize_email((email or "").strip())


class SignupForm(AllauthSignupForm):
    """Sign-up: a username, a unique email address and a password checked by the password validators."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].help_text = "Up to 150 characters: letters, digits and . + - _ only."
        self.fields["email"].label = "Email"
        self.fields["email"].help_text = "Interview invitations are sent to this address. You can also log in with it."
        self.fields["password2"].label = "Password confirmation"
        for field in self.fields.values():
            field.widget.attrs.pop("placeholder", None)

    def clean(self) -> dict[str, Any]:
        """allauth's checks, with the password mismatch worded as our sign-up always said it."""
        cleaned = super().clean()
        errors = self.errors.get("password2")
        for index, error in enumerate(errors.data if errors else []):
            if (error.message if isinstance(error, ValidationError) else error) == ALLAUTH_MISMATCH:
                errors.data[index] = ValidationError(PASSWORD_MISMATCH, code="password_mismatch")
        return cleaned


class LoginForm(AllauthLoginForm):
    """Log in with a username or an email address."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        identifier = cast(forms.CharField, self.fields["login"])
        identifier.label = "Username or email"
        # The username's own limit (150) would cut off longer email addresses.
        identifier.max_length = 254
        identifier.widget.attrs.update({"maxlength": 254, "autocomplete": "username"})
        for field in self.fields.values():
            field.widget.attrs.pop("placeholder", None)


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
