"""Second factor enrolment: which roles must have TOTP, and the login that makes it due."""

from __future__ import annotations

from typing import Any

from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.http import HttpRequest

from interview.accounts.permissions import role_of

ENROLMENT_DUE_SESSION_KEY = "mfa_enrolment_due"


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
