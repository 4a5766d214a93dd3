"""Second factor enrolment: which roles must have TOTP, and the login that makes it due."""

from __future__ import annotations

from typing import Any

from allauth.mfa.base.forms import AuthenticateForm
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest

from interview.accounts.permissions import role_of
from interview.core.errors import ErrorCode, ServiceError

ENROLMENT_DUE_SESSION_KEY = "mfa_enrolment_due"
CODE_NEEDED = (
    "This account uses two-factor authentication: send `code`, a current authenticator code or an unused recovery code."
)
CODE_WRONG = "That two-factor code is not valid (or was already used)."
ENROL_FIRST = "Your role requires two-factor authentication: set it up at /accounts/2fa/ before obtaining an API token."


def mfa_required_for(user: Any) -> bool:
    """Whether the user's role is one of MFA_REQUIRED_ROLES (superusers count as admins)."""
    return role_of(user) in set(settings.MFA_REQUIRED_ROLES)


def mfa_enrolled(user: Any) -> bool:
    """Whether the user has an authenticator app (TOTP) set up."""
    return is_mfa_enabled(user, [Authenticator.Type.TOTP])


def mfa_enrolment_mark_due(*, request: HttpRequest, user: Any) -> bool:
    """At a completed login: remember in the session that this user must enrol before going anywhere else."""
    due = mfa_required_for(user) and not mfa_enrolled(user)
    if due:
        request.session[ENROLMENT_DUE_SESSION_KEY] = True
    return due


def mfa_token_check(*, user: Any, code: str) -> None:
    """Before an API token is issued for a password: an enrolled user must also send a current code (or an
    unused recovery code); a user whose role requires a second factor but has none is refused."""
    if mfa_enrolled(user):
        if not code:
            raise ServiceError(ErrorCode.MFA_REQUIRED, CODE_NEEDED)
        with transaction.atomic():  # a recovery code is marked used under a row lock
            if not AuthenticateForm(data={"code": code}, user=user).is_valid():
                raise ServiceError(ErrorCode.MFA_REQUIRED, CODE_WRONG)
    elif mfa_required_for(user):
        raise ServiceError(ErrorCode.MFA_REQUIRED, ENROL_FIRST)
