"""Accounts' signal receivers: a profile and group for every new user, API tokens revoked with changed
credentials, and a verification email for a new sign-up."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils import timezone

from interview.accounts.api_tokens import api_tokens_revoke
from interview.accounts.email_verification import email_verification_send
from interview.accounts.views import verify_link_builder
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


# The uid predates the move from hiring; kept so that code disconnecting by it still finds the receiver.
@receiver(user_logged_in, dispatch_uid="hiring.verification_on_sign_up")
def verification_on_sign_up(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """When sign-up logs a new account in, email it a verification link (keeping where it was going)."""
    match = getattr(request, "resolver_match", None)
    if request is None or match is None or match.url_name != "register" or not user.email:
        return
    email_verification_send(
        user=user, link_for=verify_link_builder(request, safe_next_url(request)), now=timezone.now(), force=True
    )
