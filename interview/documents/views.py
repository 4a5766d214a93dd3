"""Pages for one's resumes and job listings: list, upload or paste, view, retitle, delete, download, parse status.

Other users' documents are a 404 everywhere; interviewers and admins may view (not change) documents
attached to chats they may observe. Upload views are CSRF-exempt only until the size-limit upload
handler is installed, then CSRF-protected: the handler must be in place before the body is read.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods, require_POST

from interview.accounts.consent import consent_page_required
from interview.core.errors import ServiceError
from interview.core.ids import parse_id
from interview.core.ratelimits import (
    DOCUMENT_REPARSE,
    DOCUMENT_UPLOAD,
    RateLimitHit,
    rate_limit_hit,
    rate_limit_page,
)
from interview.documents import selectors as sel
from interview.documents import services as svc
from interview.documents.fit_selectors import listing_fit_for_owner
from interview.documents.forms import (
    JobListingForm,
    ResumeUploadForm,
    RetitleForm,
    limit_upload_size,
    upload_too_large_message,
)
from interview.documents.job_parsing import job_listing_reparse
from interview.models import UploadedJobListing, UploadedResume

# Pending or in-progress parsing that lasts longer than this gets a hint that the worker may be down.
SLOW_PARSE_AFTER = timedelta(minutes=2)
POLL_SECONDS = 2
SLOW_POLL_SECONDS = 15
CONTENT_TYPES = {
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".txt": "text/plain",
}


# --- resumes ----------------------------------------------------------------------------------


@login_required
def resume_list(request: HttpRequest) -> HttpResponse:
    """The user's resumes, newest first."""
    resumes = sel.resume_list_for_user(request.user).defer("text_content")
    return render(request, "documents/resume_list.html", {"resumes": resumes})


@csrf_exempt
@login_required
@consent_page_required
def resume_upload(request: HttpRequest) -> HttpResponse:
    """Upload or paste a resume: the text is extracted at once (a refused file is explained), then parsed."""
    if request.method == "POST":
        limit_upload_size(request)
    return _resume_upload(request)


@csrf_protect
def _resume_upload(request: HttpRequest) -> HttpResponse:
    form = ResumeUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and _valid_upload(request, form):
        data = form.cleaned_data
        if (hit := rate_limit_hit(request, DOCUMENT_UPLOAD)) is not None:
            return _too_many(request, "documents/resume_upload.html", form, hit)
        try:
            resume = svc.resume_create(
                user=request.user, title=data["title"], upload=data.get("file"), content=data.get("content") or ""
            )
        except svc.UploadRateLimited as exc:
            return _rate_limited(request, "documents/resume_upload.html", form, exc)
        except ServiceError as exc:
            field = "title" if exc.code.startswith("title") else ("file" if data.get("file") else "content")
            form.add_error(field, exc.message)
        else:
            if resume.parsing_status == UploadedResume.ERROR:
                messages.warning(request, f"“{resume.title}” was added. {resume.parsing_error}")
            else:
                messages.success(request, f"“{resume.title}” was added; parsing has started.")
            return redirect("resume_detail", resume_id=resume.pk)
    return render(request, "documents/resume_upload.html", {"form": form}, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def resume_edit(request: HttpRequest, resume_id: int) -> HttpResponse:
    """Retitle one of the user's resumes."""
    resume = _found(sel.resume_get_owned(request.user, resume_id))
    return _retitle(request, resume, UploadedResume, "resume_detail", {"resume_id": resume.pk})


@login_required
@require_http_methods(["GET", "POST"])
def resume_delete(request: HttpRequest, resume_id: int) -> HttpResponse:
    """Confirm, then delete one of the user's resumes and its file."""
    resume = _found(sel.resume_get_owned(request.user, resume_id))
    return _delete(request, resume, "resume_list", reverse("resume_detail", args=[resume.pk]), kind="resume")


@login_required
def resume_download(request: HttpRequest, resume_id: int) -> FileResponse:
    """The uploaded file, as an attachment."""
    resume = _found(sel.resume_get_for_user(request.user, resume_id))
    return _download(resume, resume.title or "resume")


# --- job listings -----------------------------------------------------------------------------


@login_required
def job_list(request: HttpRequest) -> HttpResponse:
    """The user's job listings with their live parsing status."""
    listings = sel.job_listing_list_for_user(request.user).defer("content")
    rows = [{"listing": listing, **parse_state(listing)} for listing in listings]
    return render(request, "documents/job_list.html", {"rows": rows})


@csrf_exempt
@login_required
@consent_page_required
def job_create(request: HttpRequest) -> HttpResponse:
    """Add a job listing by uploading a file or pasting text; parsing then runs in the background."""
    if request.method == "POST":
        limit_upload_size(request)
    return _job_create(request)


@csrf_protect
def _job_create(request: HttpRequest) -> HttpResponse:
    form = JobListingForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and _valid_upload(request, form):
        data = form.cleaned_data
        if (hit := rate_limit_hit(request, DOCUMENT_UPLOAD)) is not None:
            return _too_many(request, "documents/job_create.html", form, hit)
        try:
            listing = svc.job_listing_create(
                user=request.user, title=data["title"], upload=data.get("file"), content=data.get("content") or ""
            )
        except svc.UploadRateLimited as exc:
            return _rate_limited(request, "documents/job_create.html", form, exc)
        except ServiceError as exc:
            field = "title" if exc.code.startswith("title") else ("file" if data.get("file") else "content")
            form.add_error(field, exc.message)
        else:
            messages.success(request, f"“{listing.title}” was added; parsing has started.")
            return redirect("job_detail", listing_id=listing.pk)
    return render(request, "documents/job_create.html", {"form": form}, status=400 if form.errors else 200)


@login_required
def job_detail(request: HttpRequest, listing_id: int) -> HttpResponse:
    """One job listing: its text and what parsing found (polled live while parsing runs)."""
    listing = _found(sel.job_listing_get_for_user(request.user, listing_id))
    is_owner = sel.document_is_owned(request.user, listing)
    context = {"listing": listing, "is_owner": is_owner, **parse_state(listing)}
    if is_owner:  # the fit against one of the owner's resumes (?resume=<id>, else the most recent)
        context["listing_fit"] = listing_fit_for_owner(request.user, listing, parse_id(request.GET.get("resume", "")))
    return render(request, "documents/job_detail.html", context)


@login_required
def job_status(request: HttpRequest, listing_id: int) -> HttpResponse:
    """The parsing panel (or, with ?compact=1, the status badge) for htmx polling."""
    listing = _found(sel.job_listing_get_for_user(request.user, listing_id))
    compact = request.GET.get("compact") == "1"
    template = "documents/_job_status_badge.html" if compact else "documents/_job_parse_panel.html"
    context = {"listing": listing, "is_owner": sel.document_is_owned(request.user, listing), **parse_state(listing)}
    return render(request, template, context)


@login_required
@require_POST
def job_reparse(request: HttpRequest, listing_id: int) -> HttpResponse:
    """Parse one of the user's finished listings again (after an error, or to refresh the result)."""
    listing = _found(sel.job_listing_get_owned(request.user, listing_id))
    if (hit := rate_limit_hit(request, DOCUMENT_REPARSE)) is not None:  # the listing's page, with the refusal
        messages.error(request, hit.message)
        return rate_limit_page(job_detail(request, listing.pk), hit)
    try:
        job_listing_reparse(listing=listing)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Parsing has started again.")
    return redirect("job_detail", listing_id=listing.pk)


@login_required
@require_http_methods(["GET", "POST"])
def job_edit(request: HttpRequest, listing_id: int) -> HttpResponse:
    """Retitle one of the user's job listings."""
    listing = _found(sel.job_listing_get_owned(request.user, listing_id))
    return _retitle(request, listing, UploadedJobListing, "job_detail", {"listing_id": listing.pk})


@login_required
@require_http_methods(["GET", "POST"])
def job_delete(request: HttpRequest, listing_id: int) -> HttpResponse:
    """Confirm, then delete one of the user's job listings and its file."""
    listing = _found(sel.job_listing_get_owned(request.user, listing_id))
    return _delete(request, listing, "job_list", reverse("job_detail", args=[listing.pk]), kind="job listing")


@login_required
def job_download(request: HttpRequest, listing_id: int) -> FileResponse:
    """The uploaded file of a job listing, as an attachment (404 for pasted listings)."""
    listing = _found(sel.job_listing_get_for_user(request.user, listing_id))
    return _download(listing, listing.filename.rsplit(".", 1)[0] or listing.title or "job-listing")


def parse_state(listing: UploadedJobListing) -> dict[str, Any]:
    """Whether the page should keep polling, whether parsing looks stuck, and whether rules did the parsing."""
    busy = listing.parsing_status in (UploadedJobListing.PENDING, UploadedJobListing.IN_PROGRESS)
    since = listing.parsed_at or listing.created_at
    requirements = listing.requirements if isinstance(listing.requirements, dict) else {}
    slow = busy and since is not None and timezone.now() - since > SLOW_PARSE_AFTER
    return {
        "polling": busy,
        # A stuck listing is still watched, but a page left open does not hammer the server.
        "poll_seconds": SLOW_POLL_SECONDS if slow else POLL_SECONDS,
        "slow": slow,
        "parsed_by_rules": requirements.get("parsed_by") == "rules",
    }


# --- shared -----------------------------------------------------------------------------------


def _found(document: Any) -> Any:
    if document is None:
        raise Http404("No such document.")
    return document


def _valid_upload(request: HttpRequest, form: Any) -> bool:
    """Validate the form, reporting first an upload that was skipped for its size."""
    too_large = upload_too_large_message(request)
    valid = form.is_valid()
    if too_large:
        for field in ("file", "__all__"):
            form.errors.pop(field, None)
        form.add_error("file", too_large)
        return False
    return bool(valid)


def _rate_limited(request: HttpRequest, template: str, form: Any, exc: svc.UploadRateLimited) -> HttpResponse:
    """The form again, with the hourly-quota refusal above its fields (429, Retry-After)."""
    form.add_error(None, exc.message)
    response = render(request, template, {"form": form}, status=429)
    response["Retry-After"] = str(exc.retry_after)
    return response


def _too_many(request: HttpRequest, template: str, form: Any, hit: RateLimitHit) -> HttpResponse:
    """The form again, as filled in, with the rate-limit refusal above its fields (429, Retry-After)."""
    form.add_error(None, hit.message)
    return rate_limit_page(render(request, template, {"form": form}), hit)


def _retitle(request: HttpRequest, document: Any, model: Any, detail: str, kwargs: dict[str, int]) -> HttpResponse:
    max_length = model._meta.get_field("title").max_length
    required = model is UploadedResume
    form = RetitleForm(
        request.POST or None, initial={"title": document.title}, max_length=max_length, required=required
    )
    if request.method == "POST" and form.is_valid():
        try:
            if model is UploadedResume:
                svc.resume_retitle(resume=document, title=form.cleaned_data["title"])
            else:
                svc.job_listing_retitle(listing=document, title=form.cleaned_data["title"])
        except ServiceError as exc:
            form.add_error("title", exc.message)
        else:
            messages.success(request, "The title was changed.")
            return redirect(reverse(detail, kwargs=kwargs))
    context = {"form": form, "document": document, "cancel_url": reverse(detail, kwargs=kwargs)}
    return render(request, "documents/retitle.html", context, status=400 if form.errors else 200)


def _delete(request: HttpRequest, document: Any, list_view: str, cancel_url: str, *, kind: str) -> HttpResponse:
    if request.method == "POST":
        title = str(document)
        svc.document_delete(document=document)
        messages.success(request, f"The {kind} “{title}” was deleted.")
        return redirect(list_view)
    chats = document.chats.count()
    context = {"document": document, "kind": kind, "chats": chats, "cancel_url": cancel_url}
    return render(request, "documents/delete.html", context)


def _download(document: Any, stem: str) -> FileResponse:
    if not document.file:
        raise Http404("This document has no file.")
    extension = "." + document.file.name.rsplit(".", 1)[-1].lower()
    try:
        handle = document.file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404("The file is no longer available.") from None
    filename = f"{slugify(stem) or 'document'}{extension}"
    content_type = CONTENT_TYPES.get(extension, "application/octet-stream")
    return FileResponse(handle, as_attachment=True, filename=filename, content_type=content_type)
