"""Documents' signal receivers: an uploaded file leaves storage with its row."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete
from django.dispatch import receiver

from interview.core.storage import delete_file_after_commit
from interview.models import UploadedJobListing, UploadedResume


@receiver(post_delete, sender=UploadedResume, dispatch_uid="documents.delete_resume_file")
def delete_resume_file(sender: Any, instance: UploadedResume, **kwargs: Any) -> None:
    """Delete a resume's file from storage with its row."""
    delete_file_after_commit(instance.file)


@receiver(post_delete, sender=UploadedJobListing, dispatch_uid="documents.delete_job_listing_file")
def delete_job_listing_file(sender: Any, instance: UploadedJobListing, **kwargs: Any) -> None:
    """Delete a job listing's file from storage with its row."""
    delete_file_after_commit(instance.file)
