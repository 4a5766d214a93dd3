"""Hiring pages: invitations (dashboard, invite, join, start, review), role requests, candidates, email checks."""

from __future__ import annotations

from typing import Any, cast
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from interview.accounts.email_verification import email_verification_confirm, email_verification_send
from interview.accounts.permissions import ADMIN, INTERVIEWER, is_admin, is_candidate, is_interviewer, role_required
from interview.accounts.roles import role_request_create, role_request_decide_one
from interview.core.errors import ServiceError
from interview.hiring import clock
from interview.hiring import selectors as sel
from interview.hiring import services as inv
from interview.hiring.forms import CandidateSearchForm, FeedbackForm, InvitationForm, RoleDecisionForm, RoleRequestForm
from interview.models import InvitedInterview
from interview.setup.forms import add_service_errors


def nav_context(user: Any) -> dict[str, bool]:
    """What the navigation shows this user."""
    return {
        "can_manage_setup": is_interviewer(user),
        "is_admin_role": is_admin(user),
        "is_candidate_role": is_candidate(user),
    }


def _page(request: HttpRequest, template: str, context: dict[str, Any], status: int = 200) -> HttpResponse:
    return render(request, f"hiring/{template}", {**nav_context(request.user), **context}, status=status)


def join_link_builder(request: HttpRequest) -> inv.LinkFor:
    """A function turning a join token into the absolute URL the candidate is emailed."""
    return lambda token: request.build_absolute_uri(reverse("invitation_join", kwargs={"token": token}))


def safe_next_url(request: HttpRequest) -> str:
    url = request.POST.get(REDIRECT_FIELD_NAME) or request.GET.get(REDIRECT_FIELD_NAME, "")
    ok = url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}, require_https=request.is_secure())
    return url if ok else ""


def _report_url(chat_id: int) -> str | None:
    try:
        return reverse("report_detail", kwargs={"chat_id": chat_id})
    except NoReverseMatch:
        return None


# --- Interviewer: dashboard, invite, review -----------------------------------------------------------


@role_required(INTERVIEWER)
def invitation_dashboard(request: HttpRequest) -> HttpResponse:
    """The interviewer's invitations by state, with observe and review links; settles due invitations first."""
    inv.invitations_settle(now=timezone.now())
    status = request.GET.get("status", "")
    status = status if status in sel.STATUSES else ""
    counts = sel.invitation_counts_for_interviewer(request.user)
    context = {
        "invitations": sel.invitation_list_for_interviewer(request.user, status=status),
        "filters": [(code, label, counts[code]) for code, label in InvitedInterview.STATUS_CHOICES],
        "total": sum(counts.values()),
        "status": status,
    }
    return _page(request, "invitation_dashboard.html", context)


@role_required(INTERVIEWER)
def invitation_create(request: HttpRequest) -> HttpResponse:
    """Invite a candidate by email to an interview from one of the interviewer's templates."""
    form = InvitationForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            sent = inv.invitation_create(
                interviewer=request.user,
                now=timezone.now(),
                link_for=join_link_builder(request),
                **form.service_kwargs(),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        except ServiceError as exc:
            form.add_error(None, exc.message)
        else:
            if sent.emailed:
                messages.success(request, f"Invitation sent to {sent.invitation.candidate_email}.")
            else:
                messages.error(request, "The invitation is saved but its email could not be sent; use Resend.")
            return redirect("invitation_dashboard")
    return _page(request, "invitation_form.html", {"form": form}, status=400 if form.errors else 200)


@role_required(INTERVIEWER)
def invitation_review(request: HttpRequest, invitation_id: int) -> HttpResponse:
    """Review an invitation: transcript, AI report, observer notes and the feedback box ("mark reviewed")."""
    invitation = sel.invitation_get_for_reviewer(request.user, invitation_id)
    if invitation is None:
        raise Http404("No such invitation.")
    form = FeedbackForm(request.POST or None, initial=FeedbackForm.initial_for(invitation))
    if request.method == "POST" and form.is_valid():
        publish = form.cleaned_data["action"] == FeedbackForm.PUBLISH
        try:
            inv.invitation_review(
                invitation_id=invitation.pk,
                user=request.user,
                feedback=form.cleaned_data["feedback"],
                publish=publish,
                now=timezone.now(),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        except ServiceError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "Marked reviewed; the candidate has been emailed." if publish else "Draft saved.")
            return redirect("invitation_review", invitation_id=invitation.pk)
    data = sel.invitation_review_data(invitation)
    context = {
        "invitation": invitation,
        "form": form,
        "review": data,
        "report_url": _report_url(invitation.chat_id) if data.report is not None and invitation.chat_id else None,
        "window_end": clock.window_end(invitation.scheduled_time, invitation.duration_minutes),
    }
    return _page(request, "invitation_review.html", context, status=400 if form.errors else 200)


@require_POST
@role_required(INTERVIEWER)
def invitation_resend(request: HttpRequest, invitation_id: int) -> HttpResponse:
    """Send a pending invitation again with a fresh link (the old link stops working)."""
    try:
        sent = inv.invitation_resend(
            invitation_id=invitation_id, user=request.user, now=timezone.now(), link_for=join_link_builder(request)
        )
    except ServiceError as exc:
        if exc.code == "not_found":
            raise Http404(exc.message) from exc
        messages.error(request, exc.message)
    else:
        if sent.emailed:
            messages.success(request, f"A new link was sent to {sent.invitation.candidate_email}.")
        else:
            messages.error(request, "The link was replaced but the email could not be sent; try again.")
    return redirect("invitation_dashboard")


# --- Candidate: join, start, result -------------------------------------------------------------------


def _joinable(request: HttpRequest, token: str) -> tuple[InvitedInterview | None, HttpResponse | None]:
    """The invitation behind the token if this user may use it; otherwise the response that says why not."""
    invitation = sel.invitation_by_token(token)
    if invitation is None:
        raise Http404("This invitation link is not valid.")
    verdict = sel.join_verdict(request.user, invitation)
    if verdict == "login":
        return None, redirect_to_login(reverse("invitation_join", kwargs={"token": token}))
    if verdict != "ok":
        context = {"verdict": verdict, "message": sel.VERDICT_MESSAGES[verdict], "next": request.path}
        return None, _page(request, "join_blocked.html", context, status=403)
    return invitation, None


def invitation_join(request: HttpRequest, token: str) -> HttpResponse:
    """The join link: log in first; then, with a verified matching email, the invitation and its Start button."""
    invitation, refusal = _joinable(request, token)
    if refusal is not None:
        return refusal
    assert invitation is not None
    now = timezone.now()
    state = clock.start_window_state(
        now=now, scheduled_time=invitation.scheduled_time, duration_minutes=invitation.duration_minutes
    )
    context = {
        "invitation": invitation,
        "token": token,
        "window_state": state,
        "window_end": clock.window_end(invitation.scheduled_time, invitation.duration_minutes),
        "can_start": invitation.status == InvitedInterview.PENDING and state == clock.OPEN,
    }
    return _page(request, "join.html", context)


@require_POST
def invitation_start(request: HttpRequest, token: str) -> HttpResponse:
    """Start the invited interview (inside its window) and open the live page."""
    invitation, refusal = _joinable(request, token)
    if refusal is not None:
        return refusal
    try:
        invitation = inv.invitation_start(token=token, user=request.user, now=timezone.now())
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect("invitation_join", token=token)
    return redirect("interview_live", chat_id=invitation.chat_id)


@login_required
def invitation_result(request: HttpRequest, invitation_id: int) -> HttpResponse:
    """The candidate's view of an invited interview they took: its state, and the feedback once published."""
    invitation = sel.invitation_get_for_candidate(request.user, invitation_id)
    if invitation is None or sel.join_verdict(request.user, invitation) != "ok":
        raise Http404("No such invitation.")
    return _page(request, "invitation_result.html", {"invitation": invitation})


# --- Roles ------------------------------------------------------------------------------------------


@login_required
def role_request(request: HttpRequest) -> HttpResponse:
    """A candidate asks for the interviewer role and sees their earlier requests."""
    if not is_candidate(request.user):
        return render(request, "registration/role_denied.html", {"required_roles": ("candidate",)}, status=403)
    form = RoleRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            role_request_create(user=request.user, requested_role=INTERVIEWER, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        except ServiceError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "Your request has been sent to the admins.")
            return redirect("role_request")
    requests = list(sel.role_requests_for_user(request.user))
    context = {"form": form, "requests": requests, "has_pending": any(r.status == "pending" for r in requests)}
    return _page(request, "role_request.html", context, status=400 if form.errors else 200)


@role_required(ADMIN)
def role_request_admin(request: HttpRequest) -> HttpResponse:
    """Admins: pending role requests to decide, and the recent decisions."""
    context = {"pending": sel.role_requests_pending(), "recent": sel.role_requests_recent(), "form": RoleDecisionForm()}
    return _page(request, "role_requests.html", context)


@require_POST
@role_required(ADMIN)
def role_request_decision(request: HttpRequest, request_id: int) -> HttpResponse:
    """Approve or reject one pending request with notes; a decided request stays as it is."""
    form = RoleDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose approve or reject; notes are at most 2000 characters.")
        return redirect("role_request_admin")
    try:
        decided = role_request_decide_one(
            request_id=request_id,
            decision=form.cleaned_data["decision"],
            reviewer=request.user,
            notes=form.cleaned_data["admin_notes"],
            now=timezone.now(),
        )
    except ServiceError as exc:
        if exc.code == "not_found":
            raise Http404(exc.message) from exc
        messages.error(request, exc.message)
    else:
        messages.success(request, f"{decided.get_status_display()}: {decided.user.username}'s request.")
    return redirect("role_request_admin")


# --- Candidates -------------------------------------------------------------------------------------


@role_required(INTERVIEWER)
def candidate_search(request: HttpRequest) -> HttpResponse:
    """Interviewers and admins search candidates by username, name or email."""
    form = CandidateSearchForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    context = {"form": form, "query": query, "results": sel.candidate_search(query) if query else []}
    return _page(request, "candidate_search.html", context)


@role_required(INTERVIEWER)
def candidate_profile(request: HttpRequest, user_id: int) -> HttpResponse:
    """A candidate's profile: their documents and the interviews the viewer may see."""
    profile = sel.candidate_profile_for(request.user, user_id)
    if profile is None:
        raise Http404("No such candidate.")
    return _page(request, "candidate_profile.html", {"profile": profile})


# --- Email verification -----------------------------------------------------------------------------


def verify_link_builder(request: HttpRequest, next_url: str = "") -> inv.LinkFor:
    """A function turning a verification token into the absolute link emailed to the user."""

    def build(token: str) -> str:
        path = reverse("email_verify_confirm", kwargs={"token": token})
        if next_url:
            path += "?" + urlencode({REDIRECT_FIELD_NAME: next_url})
        return request.build_absolute_uri(path)

    return build


@login_required
def email_verify(request: HttpRequest) -> HttpResponse:
    """Whether the user's email is verified, and a button that emails a new verification link."""
    next_url = safe_next_url(request)
    if request.method == "POST":
        try:
            sent = email_verification_send(
                user=request.user, link_for=verify_link_builder(request, next_url), now=timezone.now()
            )
        except ServiceError as exc:
            messages.error(request, exc.message)
        else:
            if sent:
                messages.success(request, f"We sent a verification link to {cast(User, request.user).email}.")
            else:
                messages.error(request, "A link was sent moments ago (or could not be sent); try again in a minute.")
        target = reverse("email_verify")
        return redirect(f"{target}?{urlencode({REDIRECT_FIELD_NAME: next_url})}" if next_url else target)
    return _page(request, "verify_email.html", {"next": next_url})


@login_required
def email_verify_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The emailed link: verify the user's current address, then continue where they were going."""
    try:
        email_verification_confirm(user=request.user, token=token, now=timezone.now())
    except ServiceError as exc:
        return _page(request, "verify_email.html", {"error": exc.message, "next": safe_next_url(request)}, status=400)
    messages.success(request, f"Thank you: {cast(User, request.user).email} is verified.")
    return redirect(safe_next_url(request) or "email_verify")
