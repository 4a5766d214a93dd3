"""Pages for one resume's parsed fields: the resume page, its live parsing panel, the owner's edit and re-parse.

The panel is polled with htmx while parsing is pending or running (not while it waits for consent),
like a job listing's. Interviewers and admins who may read the resume see the panel without the forms.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from interview.accounts.consent import DECLINED_PARSING_REASON
from interview.core.errors import ErrorCode, ServiceError
from interview.core.ratelimits import DOCUMENT_REPARSE, rate_limit_hit, rate_limit_page
from interview.documents import selectors as sel
from interview.documents import services as svc
from interview.documents.forms import ResumeParsedForm
from interview.documents.resume_parsing import resume_reparse
from interview.documents.resume_rules import RULES_PARSER
from interview.documents.views import POLL_SECONDS, SLOW_PARSE_AFTER, SLOW_POLL_SECONDS
from interview.models import UploadedResume

PANEL = "documents/_resume_parse_panel.html"


@login_required
def resume_detail(request: HttpRequest, resume_id: int) -> HttpResponse:
    """One resume: what parsing found (polled live while it runs, editable by the owner) and its text."""
    resume = _readable(request, resume_id)
    return render(request, "documents/resume_detail.html", _context(request, resume))


@login_required
def resume_status(request: HttpRequest, resume_id: int) -> HttpResponse:
    """The parsing panel, for htmx polling."""
    resume = _readable(request, resume_id)
    return render(request, PANEL, _context(request, resume))


@login_required
@require_POST
def resume_parsed_edit(request: HttpRequest, resume_id: int) -> HttpResponse:
    """Save the owner's edit of the parsed fields; a refused edit shows the form again with nothing saved."""
    resume = _owned(request, resume_id)
    form = ResumeParsedForm(request.POST)
    if form.is_valid():
        try:
            svc.resume_parsed_update(resume=resume, data=form.edit())
        except svc.ResumeEditInvalid as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        except ServiceError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "Your changes to the parsed resume were saved.")
            return redirect("resume_detail", resume_id=resume.pk)
    context = {**_context(request, resume), "form": form, "editing": True}
    return render(request, "documents/resume_detail.html", context, status=400)


@login_required
@require_POST
def resume_reparse_view(request: HttpRequest, resume_id: int) -> HttpResponse:
    """Parse the resume again; over the owner's edits, ask to confirm first (a page with a confirm button)."""
    resume = _owned(request, resume_id)
    if (hit := rate_limit_hit(request, DOCUMENT_REPARSE)) is not None:  # the resume's page, with the refusal
        messages.error(request, hit.message)
        return rate_limit_page(render(request, "documents/resume_detail.html", _context(request, resume)), hit)
    try:
        resume_reparse(resume=resume, confirm=request.POST.get("confirm") == "1")
    except ServiceError as exc:
        if exc.code == ErrorCode.CONFIRM_REQUIRED:
            return render(request, "documents/resume_reparse_confirm.html", {"resume": resume, "message": exc.message})
        messages.error(request, exc.message)
    else:
        messages.success(request, "Parsing has started again.")
    return redirect("resume_detail", resume_id=resume.pk)


def resume_parse_state(resume: UploadedResume) -> dict[str, Any]:
    """Whether the page polls (and how often), whether parsing looks stuck, waits for consent or used rules."""
    waiting = resume.parsing_status == UploadedResume.PENDING and resume.parsing_error == DECLINED_PARSING_REASON
    busy = resume.parsing_status in (UploadedResume.PENDING, UploadedResume.IN_PROGRESS) and not waiting
    since = resume.parsed_at or resume.uploaded_at
    slow = busy and since is not None and timezone.now() - since > SLOW_PARSE_AFTER
    return {
        "polling": busy,
        "poll_seconds": SLOW_POLL_SECONDS if slow else POLL_SECONDS,
        "slow": slow,
        "waiting_for_consent": waiting,
        "parsed_by_rules": resume.parsed_by == RULES_PARSER,
    }


def _context(request: HttpRequest, resume: UploadedResume) -> dict[str, Any]:
    is_owner = sel.document_is_owned(request.user, resume)
    form = ResumeParsedForm.for_resume(resume) if is_owner else None
    return {"resume": resume, "is_owner": is_owner, "form": form, **resume_parse_state(resume)}


def _readable(request: HttpRequest, resume_id: int) -> UploadedResume:
    resume = sel.resume_get_for_user(request.user, resume_id)
    if resume is None:
        raise Http404("No such document.")
    return resume


def _owned(request: HttpRequest, resume_id: int) -> UploadedResume:
    resume = sel.resume_get_owned(request.user, resume_id)
    if resume is None:
        raise Http404("No such document.")
    return resume
