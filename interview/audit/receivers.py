"""Audit events that arrive as signals: logins, logouts and failed logins (Django's signals, which allauth
sends too), allauth's sign-up and password signals, and role changes however they are saved.

Each receiver runs inside whatever transaction sent the signal, so its event commits or rolls back
with the change.
"""

from __future__ import annotations

from typing import Any

from allauth.account import signals as allauth_signals
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models import Q
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver
from django.http import HttpRequest

from interview.audit import guard  # noqa: F401  (registers the SQLite function the audit trigger asks)
from interview.audit.actions import AuditAction
from interview.audit.context import current_actor
from interview.audit.services import audit_record
from interview.models import UserProfile

ATTEMPTED_MAX = 150


@receiver(user_logged_in, dispatch_uid="audit.login")
def audit_login(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """A user logged in (any backend, allauth included)."""
    audit_record(actor=user, action=AuditAction.LOGIN, target=user, request=request)


@receiver(user_logged_out, dispatch_uid="audit.logout")
def audit_logout(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """A user logged out; `user` is None when the session had none, which records nothing."""
    if user is not None and user.is_authenticated:
        audit_record(actor=user, action=AuditAction.LOGOUT, target=user, request=request)


@receiver(user_login_failed, dispatch_uid="audit.login_failed")
def audit_login_failed(sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kw: Any) -> None:
    """Wrong credentials: no actor; the account named (if it exists) is the subject, so its owner sees it."""
    attempted = str(credentials.get("username") or credentials.get("email") or "")[:ATTEMPTED_MAX]
    subject = None
    if attempted:
        subject = get_user_model().objects.filter(Q(username__iexact=attempted) | Q(email__iexact=attempted)).first()
    audit_record(
        actor=None,
        actor_label=attempted,
        action=AuditAction.LOGIN_FAILED,
        target=subject,
        subject=subject,
        request=request,
        detail={"username": attempted},
    )


@receiver(allauth_signals.user_signed_up, dispatch_uid="audit.allauth_signup")
def audit_allauth_signup(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """A sign-up through allauth (local or from a provider)."""
    sociallogin = kwargs.get("sociallogin")
    provider = getattr(getattr(sociallogin, "account", None), "provider", "") if sociallogin else ""
    detail = {"provider": provider} if provider else {}
    audit_record(actor=user, action=AuditAction.SIGNUP, target=user, request=request, detail=detail)


@receiver(allauth_signals.password_changed, dispatch_uid="audit.allauth_password_changed")
@receiver(allauth_signals.password_set, dispatch_uid="audit.allauth_password_set")
def audit_allauth_password_changed(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """A password changed (or first set) through allauth."""
    audit_record(actor=user, action=AuditAction.PASSWORD_CHANGED, target=user, request=request)


@receiver(allauth_signals.password_reset, dispatch_uid="audit.allauth_password_reset")
def audit_allauth_password_reset(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """A password reset from an emailed link or code (allauth)."""
    audit_record(actor=user, action=AuditAction.PASSWORD_RESET, target=user, request=request)


@receiver(pre_save, sender=UserProfile, dispatch_uid="audit.role_before")
def remember_role(sender: Any, instance: UserProfile, raw: bool = False, **kwargs: Any) -> None:
    """Before a profile is saved, note the role stored, to tell a change of role after the save."""
    if raw or instance.pk is None:
        instance._audit_role_before = None  # type: ignore[attr-defined]
        return
    stored = UserProfile.objects.filter(pk=instance.pk).values_list("role", flat=True).first()
    instance._audit_role_before = stored  # type: ignore[attr-defined]


@receiver(post_save, sender=UserProfile, dispatch_uid="audit.role_changed")
def audit_role_changed(sender: Any, instance: UserProfile, created: bool, raw: bool = False, **kwargs: Any) -> None:
    """A saved profile whose role differs from the stored one: by whoever is being served (None: the server)."""
    before = getattr(instance, "_audit_role_before", None)
    if raw or created or before is None or before == instance.role:
        return
    instance._audit_role_before = instance.role  # type: ignore[attr-defined]  # a second save is no change
    audit_record(
        actor=current_actor(),
        action=AuditAction.ROLE_CHANGED,
        target=instance,
        subject=instance.user_id,
        detail={"from": before, "to": instance.role},
    )
