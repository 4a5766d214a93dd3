"""Reads of resumes and job listings, with the access rule in one place.

Owners read and change their documents. Interviewers and admins may also read a document that is
attached to a chat they may observe (`can_observe_chat`). Anyone else gets None, which views turn
into a 404 so that other users' documents are indistinguishable from missing ones.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.db.models import QuerySet

from interview.accounts.permissions import can_observe_chat, is_interviewer
from interview.documents.resume_rules import RULES_PARSER, ParsedResume
from interview.documents.resume_text import render_for_prompt
from interview.models import UploadedJobListing, UploadedResume

D = TypeVar("D", UploadedResume, UploadedJobListing)


def resume_list_for_user(user: Any) -> QuerySet[UploadedResume]:
    """The user's own resumes, newest first (empty for anonymous users)."""
    if not user.is_authenticated:
        return UploadedResume.objects.none()
    return UploadedResume.objects.filter(user=user).order_by("-uploaded_at", "-id")


def job_listing_list_for_user(user: Any) -> QuerySet[UploadedJobListing]:
    """The user's own job listings, newest first, with their recommended template (empty for anonymous users)."""
    if not user.is_authenticated:
        return UploadedJobListing.objects.none()
    return (
        UploadedJobListing.objects.filter(user=user)
        .select_related("recommended_template")
        .order_by("-created_at", "-id")
    )


def resume_get_owned(user: Any, resume_id: int) -> UploadedResume | None:
    """The user's own resume with this id, or None."""
    return resume_list_for_user(user).filter(pk=resume_id).first()


def job_listing_get_owned(user: Any, listing_id: int) -> UploadedJobListing | None:
    """The user's own job listing with this id, or None."""
    return job_listing_list_for_user(user).filter(pk=listing_id).first()


def resume_get_for_user(user: Any, resume_id: int) -> UploadedResume | None:
    """The resume if the user may read it (owner, or observer of a chat using it), else None."""
    return _readable(UploadedResume.objects.select_related("user"), user, resume_id)


def job_listing_get_for_user(user: Any, listing_id: int) -> UploadedJobListing | None:
    """The job listing if the user may read it (owner, or observer of a chat using it), else None."""
    return _readable(UploadedJobListing.objects.select_related("user", "recommended_template"), user, listing_id)


def document_is_owned(user: Any, document: UploadedResume | UploadedJobListing) -> bool:
    """Whether the user owns the document (and so may change or delete it)."""
    return bool(user.is_authenticated and document.user_id == user.pk)


def resume_parsed(resume: UploadedResume) -> ParsedResume | None:
    """The resume's parsed fields when a model parsed them or the owner edited them; None otherwise.

    The offline rules find skills only, so their result never stands in for the resume's text.
    """
    by_model = resume.parsing_status == UploadedResume.SUCCESS and resume.parsed_by not in ("", RULES_PARSER)
    if not (by_model or resume.parsed_edited_at is not None):
        return None
    parsed = ParsedResume(
        skills=list(resume.skills or []),
        experience=list(resume.experience or []),
        education=list(resume.education or []),
        summary=resume.summary,
    )
    return None if parsed.is_empty() else parsed


def resume_prompt_text(resume: UploadedResume | None, *, limit: int) -> str:
    """The resume as prompts carry it: the parsed structure fitted to `limit` when there is one, else its text."""
    if resume is None:
        return ""
    parsed = resume_parsed(resume)
    return render_for_prompt(parsed, limit=limit) if parsed is not None else resume.text_content


def _readable(queryset: QuerySet[D], user: Any, pk: int) -> D | None:
    if not user.is_authenticated:
        return None
    document = queryset.filter(pk=pk).first()
    if document is None or document.user_id == user.pk:
        return document
    if not is_interviewer(user):
        return None
    chats = document.chats.select_related("invitation")
    return document if any(can_observe_chat(user, chat) for chat in chats) else None
