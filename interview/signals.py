"""Model signal receivers: profiles for new users, API tokens revoked with changed credentials, files removed with their rows."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models.fields.files import FieldFile
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import Signal, receiver

from interview.accounts.api_tokens import api_tokens_revoke
from interview.models import ExportableReport, UploadedJobListing, UploadedResume, UserProfile

AVERAGE_ROLE_GROUP = "average_role"

# Sent once, after the commit that completes an interview (args: chat_id, reason).
chat_completed = Signal()


@receiver(post_save, sender=settings.AUTH_USER_MODEL)
def create_user_profile(sender: Any, instance: Any, created: bool, raw: bool = False, **kwargs: Any) -> None:
    """Give every new user a candidate profile and the average_role group."""
    if created and not raw:
        UserProfile.objects.get_or_create(user=instance)
        group, _ = Group.objects.get_or_create(name=AVERAGE_ROLE_GROUP)
        instance.groups.add(group)


@receiver(post_save, sender=settings.AUTH_USER_MODEL)
def save_user_profile(sender: Any, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    """Save the profile along with its user, creating it for users that predate profiles."""
    if raw:
        return
    profile = getattr(instance, "profile", None)
    if profile is None:
        UserProfile.objects.get_or_create(user=instance)
    else:
        profile.save()


@receiver(pre_save, sender=settings.AUTH_USER_MODEL)
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


def _delete_file_after_commit(field_file: FieldFile) -> None:
    """Remove a stored file once the transaction that deleted its row has committed."""
    if not field_file or not field_file.name:
        return
    storage, name = field_file.storage, field_file.name
    transaction.on_commit(lambda: storage.delete(name))


@receiver(post_delete, sender=UploadedResume)
def delete_resume_file(sender: Any, instance: UploadedResume, **kwargs: Any) -> None:
    """Delete a resume's file from storage with its row."""
    _delete_file_after_commit(instance.file)


@receiver(post_delete, sender=UploadedJobListing)
def delete_job_listing_file(sender: Any, instance: UploadedJobListing, **kwargs: Any) -> None:
    """Delete a job listing's file from storage with its row."""
    _delete_file_after_commit(instance.file)


@receiver(post_delete, sender=ExportableReport)
def delete_report_pdf(sender: Any, instance: ExportableReport, **kwargs: Any) -> None:
    """Delete a report's cached PDF from storage with its row."""
    _delete_file_after_commit(instance.pdf_file)
