"""Documents' signal receivers: an uploaded file leaves storage with its row; consent queues waiting listings and resumes."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete
from django.dispatch import receiver

from interview.accounts.signals import llm_consent_given
from interview.core.storage import delete_file_after_commit
from interview.documents.job_parsing import job_listings_resume_after_consent
from interview.documents.resume_parsing import resumes_resume_after_consent
from interview.models import UploadedJobListing, UploadedResume


@receiver(post_delete, sender=UploadedResume, dispatch_uid="documents.delete_resume_file")
def delete_resume_file(sender: Any, instance: UploadedResume, **kwargs: Any) -> None:
    """Delete a resume's file from storage with its row."""
    delete_file_after_commit(instance.file)


@receiver(post_delete, sender=UploadedJobListing, dispatch_uid="documents.delete_job_listing_file")
def delete_job_listing_file(sender: Any, instance: UploadedJobListing, **kwargs: Any) -> None:
    """Delete a job listing's file from storage with its row."""
    delete_file_after_commit(instance.file)


@receiver(llm_consent_given, dispatch_uid="documents.parse_after_consent")
def parse_after_consent(sender: Any, user: Any, **kwargs: Any) -> None:
    """Queue the job listings and resumes that waited for the user's consent (docs/operations.md "Consent")."""
    job_listings_resume_after_consent(user=user)
    resumes_resume_after_consent(user=user)
