"""Audit events that arrive as signals: logins, logouts and failed logins (Django's signals, which allauth
sends too; allauth's own `user_logged_in` is not listened to, so a login is one event), lockouts and
provider failures (interview/accounts/signals.py), allauth's sign-up, password and social-account
signals, MFA authenticators saved or deleted, and role changes however they are saved.

Each receiver runs inside whatever transaction sent the signal, so its event commits or rolls back
with the change: allauth's views that change an account run in one transaction (interview/accounts/
urls.py), and so does every login (AccountAdapter.login). allauth.mfa announces an authenticator only
after its transaction committed, so MFA enrolment and removal are recorded from the model's own
save and delete instead, which run inside it.
"""

from __future__ import annotations

from typing import Any

from allauth.account import signals as allauth_signals
from allauth.mfa.models import Authenticator
from allauth.socialaccount import signals as social_signals
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models import Q
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver
from django.http import HttpRequest

from interview.accounts.signals import login_locked_out, social_login_failed
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


def _named_account(attempted: str) -> Any:
    """The account whose username or email was typed (None for a name nobody has)."""
    if not attempted:
        return None
    named = Q(username__iexact=attempted) | Q(email__iexact=attempted)
    return get_user_model()._default_manager.filter(named).order_by("id").first()


def _record_attempt(action: AuditAction, identifier: Any, request: HttpRequest | None) -> None:
    """A refused login: no actor; the account named (if it exists) is the subject, so its owner sees it."""
    attempted = str(identifier or "")[:ATTEMPTED_MAX]
    subject = _named_account(attempted)
    audit_record(
        actor=None,
        actor_label=attempted,
        action=action,
        target=subject,
        subject=subject,
        request=request,
        detail={"username": attempted},
    )


@receiver(user_login_failed, dispatch_uid="audit.login_failed")
def audit_login_failed(sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kw: Any) -> None:
    """Wrong credentials (the login page, the API token endpoint, a reauthentication)."""
    _record_attempt(AuditAction.LOGIN_FAILED, credentials.get("username") or credentials.get("email"), request)


@receiver(login_locked_out, dispatch_uid="audit.lockout")
def audit_lockout(sender: Any, request: HttpRequest | None, identifier: str, **kwargs: Any) -> None:
    """An attempt refused unchecked: the account or the address used up its failed-login allowance."""
    _record_attempt(AuditAction.LOCKOUT, identifier, request)


@receiver(social_login_failed, dispatch_uid="audit.social_login_failed")
def audit_social_login_failed(
    sender: Any, request: HttpRequest | None, provider_id: str, error: Any = None, exception: Any = None, **kw: Any
) -> None:
    """A provider round trip that did not complete: a failed login naming the provider and why, by
    whoever was signed in (connecting an account) or nobody."""
    user = getattr(request, "user", None)
    actor = user if user is not None and user.is_authenticated else None
    reason = type(exception).__name__ if exception is not None else ""
    audit_record(
        actor=actor,
        actor_label=None if actor else "",
        action=AuditAction.LOGIN_FAILED,
        request=request,
        detail={"provider": str(provider_id), "error": str(error or ""), "exception": reason},
    )


@receiver(allauth_signals.user_signed_up, dispatch_uid="audit.allauth_signup")
def audit_allauth_signup(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """A sign-up through allauth; one from a provider also links that provider's account to the user."""
    sociallogin = kwargs.get("sociallogin")
    provider = getattr(getattr(sociallogin, "account", None), "provider", "") if sociallogin else ""
    detail = {"provider": provider} if provider else {}
    audit_record(actor=user, action=AuditAction.SIGNUP, target=user, request=request, detail=detail)
    if sociallogin is not None:
        _record_social_linked(request, sociallogin)


@receiver(social_signals.social_account_added, dispatch_uid="audit.social_linked")
def audit_social_linked(sender: Any, request: HttpRequest | None, sociallogin: Any, **kwargs: Any) -> None:
    """A signed-in user connected a provider's account to theirs."""
    _record_social_linked(request, sociallogin)


def _record_social_linked(request: HttpRequest | None, sociallogin: Any) -> None:
    account = sociallogin.account
    audit_record(
        actor=sociallogin.user,
        action=AuditAction.SOCIAL_LINKED,
        target=account,
        request=request,
        detail={"provider": account.provider},
    )


@receiver(allauth_signals.password_changed, dispatch_uid="audit.allauth_password_changed")
@receiver(allauth_signals.password_set, dispatch_uid="audit.allauth_password_set")
def audit_allauth_password_changed(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """A password changed (or first set) through allauth."""
    audit_record(actor=user, action=AuditAction.PASSWORD_CHANGED, target=user, request=request)


@receiver(allauth_signals.password_reset, dispatch_uid="audit.allauth_password_reset")
def audit_allauth_password_reset(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """A password reset from an emailed link or code (allauth)."""
    audit_record(actor=user, action=AuditAction.PASSWORD_RESET, target=user, request=request)


@receiver(post_save, sender=Authenticator, dispatch_uid="audit.mfa_enrolled")
def audit_mfa_enrolled(sender: Any, instance: Authenticator, created: bool, raw: bool = False, **kwargs: Any) -> None:
    """A second factor added (TOTP; the recovery codes made with it are part of the same enrolment)."""
    if created and not raw and instance.type != Authenticator.Type.RECOVERY_CODES:
        _record_authenticator(AuditAction.MFA_ENROLLED, instance)


@receiver(post_delete, sender=Authenticator, dispatch_uid="audit.mfa_removed")
def audit_mfa_removed(sender: Any, instance: Authenticator, **kwargs: Any) -> None:
    """A second factor removed (by its owner, or an admin); leftover recovery codes go with it unrecorded."""
    if instance.type != Authenticator.Type.RECOVERY_CODES:
        _record_authenticator(AuditAction.MFA_REMOVED, instance)


def _record_authenticator(action: AuditAction, authenticator: Authenticator) -> None:
    """By whoever is being served (None: the server or a shell), on the authenticator's owner."""
    audit_record(
        actor=current_actor(),
        action=action,
        target=(Authenticator, authenticator.pk),
        subject=authenticator.user_id,
        detail={"type": authenticator.type},
    )


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
