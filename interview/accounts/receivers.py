"""Accounts' signal receivers: a profile and group for every new user, API tokens revoked with changed
credentials, the profile's verified email kept in step with allauth's, and MFA enrolment made due."""

from __future__ import annotations

from typing import Any

from allauth.account.models import EmailAddress
from allauth.account.signals import user_logged_in as allauth_user_logged_in
from allauth.account.signals import user_signed_up
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.models import Group
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils import timezone

from interview.accounts.api_tokens import api_tokens_revoke
from interview.accounts.email_verification import NEXT_SESSION_KEY, email_address_sync
from interview.accounts.mfa import mfa_enrolment_mark_due
from interview.core.pages import safe_next_url
from interview.models import UserProfile

AVERAGE_ROLE_GROUP = "average_role"


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="accounts.create_user_profile")
def create_user_profile(sender: Any, instance: Any, created: bool, raw: bool = False, **kwargs: Any) -> None:
    """Give every new user a candidate profile and the average_role group."""
    if created and not raw:
        UserProfile.objects.get_or_create(user=instance)
        group, _ = Group.objects.get_or_create(name=AVERAGE_ROLE_GROUP)
        instance.groups.add(group)


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="accounts.save_user_profile")
def save_user_profile(sender: Any, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    """Save the profile along with its user, creating it for users that predate profiles."""
    if raw:
        return
    profile = getattr(instance, "profile", None)
    if profile is None:
        UserProfile.objects.get_or_create(user=instance)
    else:
        profile.save()


@receiver(pre_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="accounts.revoke_api_tokens_on_credentials_change")
def revoke_api_tokens_on_credentials_change(
    sender: Any, instance: Any, raw: bool = False, update_fields: Any = None, **kwargs: Any
) -> None:
    """Before a user is saved with a new password, or deactivated, delete its API tokens (any path:
    set_password + save, the password change and reset views, the admin)."""
    if raw or instance.pk is None or (update_fields is not None and not {"password", "is_active"} & set(update_fields)):
        return
    stored = sender.objects.filter(pk=instance.pk).values("password", "is_active").first()
    if stored is None:
        return
    if stored["password"] != instance.password or (stored["is_active"] and not instance.is_active):
        api_tokens_revoke(user_id=instance.pk)


@receiver(post_save, sender=EmailAddress, dispatch_uid="accounts.sync_verified_email")
def sync_verified_email(sender: Any, instance: EmailAddress, raw: bool = False, **kwargs: Any) -> None:
    """When allauth marks the user's current address verified (link, provider, admin), the profile says so."""
    if not raw:
        email_address_sync(address=instance, now=timezone.now())


@receiver(allauth_user_logged_in, dispatch_uid="accounts.mfa_enrolment_due")
def mfa_enrolment_due(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    """After a completed allauth login (password or provider), a role in MFA_REQUIRED_ROLES must enrol first."""
    mfa_enrolment_mark_due(request=request, user=user)


@receiver(user_signed_up, dispatch_uid="hiring.verification_on_sign_up")
def welcome_on_sign_up(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    """Welcome a new account; one signing up on the way somewhere (an invitation) gets a verification link
    that leads back there."""
    if request is None:
        return
    messages.success(request, f"Welcome, {user.get_username()}! Your account is ready.")
    next_url = safe_next_url(request)
    if next_url:
        request.session[NEXT_SESSION_KEY] = next_url
