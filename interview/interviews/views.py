"""Interview pages: the candidate's list, the new-interview form, and the live interview."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from interview.accounts.consent import UNASKED, consent_page_required, consent_redirect, consent_state
from interview.accounts.permissions import can_observe_chat, is_interviewer
from interview.core.errors import ErrorCode, ServiceError
from interview.core.ids import parse_id
from interview.core.pages import add_service_errors
from interview.core.ratelimits import CHAT_CREATE, rate_limit_hit, rate_limit_page
from interview.documents.fit_selectors import PairFit, owned_pair, pair_fit
from interview.hiring.selectors import invitation_list_for_candidate
from interview.interviews.accommodation import extra_time_label
from interview.interviews.chats import NotFoundError, chat_create
from interview.models import Chat
from interview.setup.forms import ChatCreateForm
from interview.setup.selectors import chat_list_for_user, job_listings_for, resumes_for

if TYPE_CHECKING:
    from django.contrib.auth.models import User


@login_required
def interview_list(request: HttpRequest) -> HttpResponse:
    """The signed-in user's practice interviews and, beside them, the interviews they were invited to."""
    context = {
        "rows": chat_list_for_user(request.user),
        "invitations": invitation_list_for_candidate(request.user),
    }
    return render(request, "interview/list.html", context)


@login_required
@consent_page_required
def interview_new(request: HttpRequest) -> HttpResponse:
    """Create an interview (from a template, a job listing's recommendation, the LLM or the banks) and open it."""
    form = ChatCreateForm(request.POST or None, user=request.user, initial=_initial_from_link(request))
    if request.method == "POST" and form.is_valid():
        if (hit := rate_limit_hit(request, CHAT_CREATE)) is not None:  # the form keeps what was entered
            form.add_error(None, hit.message)
            context = {"form": form, "can_manage_setup": is_interviewer(request.user)}
            return rate_limit_page(render(request, "interview/new.html", context), hit)
        try:
            chat = chat_create(user=request.user, **form.service_kwargs())
        except NotFoundError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        except ValidationError as exc:
            add_service_errors(form, exc)
        except ServiceError as exc:
            if exc.code != ErrorCode.QUOTA_EXCEEDED:  # consent_required: asked on the consent page, then back here
                return consent_redirect(request)
            form.add_error(None, exc.message)  # the banner above the form; what was typed stays
        else:
            return redirect("interview_live", chat_id=chat.pk)
    context = {"form": form, "can_manage_setup": is_interviewer(request.user), "fit": _form_fit(request, form)}
    return render(request, "interview/new.html", context, status=400 if form.errors else 200)


@login_required
def interview_fit(request: HttpRequest) -> HttpResponse:
    """The fit partial for a resume and a job listing (?resume=&job_listing=), the user's own documents only."""
    raw_resume = request.GET.get("resume", "")
    raw_listing = request.GET.get("job_listing", "") or request.GET.get("job", "")
    resume_id, listing_id = parse_id(raw_resume), parse_id(raw_listing)
    if (raw_resume and resume_id is None) or (raw_listing and listing_id is None):
        return HttpResponse("A resume and a job listing are named by their numeric ids.", status=400)
    resume, listing = owned_pair(request.user, resume_id, listing_id)
    if (resume_id is not None and resume is None) or (listing_id is not None and listing is None):
        raise Http404("No such document.")
    fit = pair_fit(resume=resume, listing=listing) if resume and listing else None
    return render(request, "documents/_fit_summary.html", {"fit": fit})


def _form_fit(request: HttpRequest, form: ChatCreateForm) -> PairFit | None:
    """The fit of the resume and job listing the form shows now (submitted, or carried in by a link)."""
    values = form.data if form.is_bound else form.initial
    resume, listing = owned_pair(
        request.user, parse_id(str(values.get("resume") or "")), parse_id(str(values.get("job_listing") or ""))
    )
    return pair_fit(resume=resume, listing=listing) if resume and listing else None


def _initial_from_link(request: HttpRequest) -> dict[str, Any]:
    """Values a link carries in: a job listing's "Practise for this job" names the listing (and the latest resume)."""
    listing_id = parse_id(request.GET.get("job_listing", ""))
    listing = job_listings_for(request.user).filter(pk=listing_id).first() if listing_id is not None else None
    if listing is None:
        return {}
    resume = resumes_for(request.user).first()  # newest first
    title = str(listing)[: Chat._meta.get_field("title").max_length]
    return {"job_listing": listing.pk, "title": title, "resume": resume.pk if resume else None}


@login_required
def interview_live(request: HttpRequest, chat_id: int) -> HttpResponse:
    """The live interview page; the socket does the rest (a user never asked about the model is asked first)."""
    chat = Chat.objects.filter(pk=chat_id, user=cast("User", request.user)).first()  # login_required
    if chat is None:
        raise Http404("No such interview.")
    if chat.status != Chat.COMPLETED and not chat.is_offline and consent_state(request.user) == UNASKED:
        return consent_redirect(request)
    return render(request, "interview/live.html", {"chat": chat, "extra_time": extra_time_label(chat.time_multiplier)})


@login_required
def interview_observe(request: HttpRequest, chat_id: int) -> HttpResponse:
    """The observer's page: the live transcript, countdown, private notes, extend and end."""
    chat = Chat.objects.select_related("user", "invitation").filter(pk=chat_id).first()
    if chat is None or not can_observe_chat(request.user, chat):
        raise Http404("No such interview.")
    context = {"chat": chat, "extra_time": extra_time_label(chat.time_multiplier)}
    return render(request, "interview/observe.html", context)
