"""Hiring pages: invitations (dashboard, invite, join, start, review) and candidates."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from interview.accounts.permissions import INTERVIEWER, role_required
from interview.audit.services import audit_report_read
from interview.core.errors import ErrorCode, ServiceError
from interview.core.pages import add_service_errors
from interview.documents.fit_selectors import fits_for_chats
from interview.fairness.forms import fairness_error_on, is_fairness_refusal
from interview.hiring import clock
from interview.hiring import selectors as sel
from interview.hiring import services as inv
from interview.hiring.forms import (
    AccommodationDecisionForm,
    AccommodationRequestForm,
    CandidateSearchForm,
    DecisionForm,
    FeedbackForm,
    InvitationForm,
    PanelForm,
)
from interview.hiring.panel import invitation_decide, panel_set, strong_no_names
from interview.interviews.accommodation import is_accommodated, multiplier_label
from interview.models import InvitedInterview
from interview.scoring.blind import scores_hidden_from


def _page(request: HttpRequest, template: str, context: dict[str, Any], status: int = 200) -> HttpResponse:
    return render(request, f"hiring/{template}", context, status=status)


def join_link_builder(request: HttpRequest) -> inv.LinkFor:
    """A function turning a join token into the absolute URL the candidate is emailed."""
    return lambda token: request.build_absolute_uri(reverse("invitation_join", kwargs={"token": token}))


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
        except ServiceError as exc:  # a bad panel, or quota_exceeded (the banner above the form)
            form.add_error(None if exc.code == ErrorCode.QUOTA_EXCEEDED else "panel", exc.message)
        else:
            if sent.emailed:
                messages.success(request, f"Invitation sent to {sent.invitation.candidate_email}.")
            else:
                messages.error(request, "The invitation is saved but its email could not be sent; use Resend.")
            return redirect("invitation_dashboard")
    return _page(request, "invitation_form.html", {"form": form}, status=400 if form.errors else 200)


@role_required(INTERVIEWER)
def invitation_review(request: HttpRequest, invitation_id: int) -> HttpResponse:
    """Review an invitation: transcript, AI report (blind rule), notes, feedback ("mark reviewed"), panel, decision.

    Its panel's co-interviewers read it too; only the inviting interviewer and admins change it.
    """
    invitation = sel.invitation_get_for_panel(request.user, invitation_id)
    if invitation is None:
        raise Http404("No such invitation.")
    manager = sel.manages_invitation(request.user, invitation)
    if request.method == "POST" and not manager:
        return render(request, "403.html", status=403)
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
                confirm_language=form.cleaned_data["confirm_language"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        except ServiceError as exc:
            if is_fairness_refusal(exc):
                fairness_error_on(form, "feedback", exc)
            else:
                form.add_error(None, exc.message)
        else:
            messages.success(request, "Marked reviewed; the candidate has been emailed." if publish else "Draft saved.")
            return redirect("invitation_review", invitation_id=invitation.pk)
    context = _review_context(request, invitation, manager=manager, form=form)
    return _page(request, "invitation_review.html", context, status=400 if form.errors else 200)


def _review_context(
    request: HttpRequest, invitation: InvitedInterview, *, manager: bool, form: FeedbackForm, **forms: Any
) -> dict[str, Any]:
    data = sel.invitation_review_data(invitation)
    chat = invitation.chat
    hidden = chat is not None and scores_hidden_from(request.user, chat)
    if not hidden and data.report is not None and data.report.status == data.report.READY:  # scores on this page
        audit_report_read(request=request, report=data.report, candidate_id=invitation.candidate_id, via="review")
    return {
        "invitation": invitation,
        "form": form,
        "review": data,
        "report_url": _report_url(invitation.chat_id) if data.report is not None and invitation.chat_id else None,
        "window_end": clock.window_end(invitation.scheduled_time, invitation.duration_minutes),
        "manager": manager,
        "scores_hidden": hidden,
        "panel_members": list(invitation.panel.all()),
        "panel_form": forms.get("panel_form") or PanelForm(initial=PanelForm.initial_for(invitation)),
        "decision_form": forms.get("decision_form") or DecisionForm(),
        "strong_no": strong_no_names(invitation),
        "submitted_count": sel.submitted_scorecard_count(invitation),
        "accommodation": (accommodation := sel.accommodation_for(invitation)),
        "accommodation_form": AccommodationDecisionForm.for_request(accommodation),
        "extra_time": multiplier_label(invitation.time_multiplier)
        if is_accommodated(invitation.time_multiplier)
        else "",
    }


@require_POST
@role_required(INTERVIEWER)
def invitation_panel(request: HttpRequest, invitation_id: int) -> HttpResponse:
    """Replace the invitation's co-interviewers (its creator or an admin)."""
    invitation = sel.invitation_get_for_reviewer(request.user, invitation_id)
    if invitation is None:
        raise Http404("No such invitation.")
    form = PanelForm(request.POST)
    if form.is_valid():
        try:
            panel_set(invitation_id=invitation.pk, user=request.user, panel=form.cleaned_data["panel"])
        except ServiceError as exc:
            form.add_error("panel", exc.message)
        else:
            messages.success(request, "Panel saved.")
            return redirect("invitation_review", invitation_id=invitation.pk)
    context = _review_context(request, invitation, manager=True, form=FeedbackForm(), panel_form=form)
    return _page(request, "invitation_review.html", context, status=400)


@require_POST
@role_required(INTERVIEWER)
def invitation_decision(request: HttpRequest, invitation_id: int) -> HttpResponse:
    """Record the hiring decision with its reason (the inviting interviewer or an admin), once."""
    invitation = sel.invitation_get_for_reviewer(request.user, invitation_id)
    if invitation is None:
        raise Http404("No such invitation.")
    form = DecisionForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            invitation_decide(
                invitation_id=invitation.pk, user=request.user, decision=d["decision"], reason=d["reason"],
                acknowledge_strong_no=d["acknowledge_strong_no"], now=timezone.now(),
                confirm_language=d["confirm_language"],
            )  # fmt: skip
        except ServiceError as exc:
            if is_fairness_refusal(exc):
                fairness_error_on(form, "reason", exc)
            else:
                form.add_error(_DECISION_FIELDS.get(exc.code), exc.message)
        else:
            messages.success(request, "Decision recorded.")
            return redirect("invitation_review", invitation_id=invitation.pk)
    context = _review_context(request, invitation, manager=True, form=FeedbackForm(), decision_form=form)
    return _page(request, "invitation_review.html", context, status=400)


_DECISION_FIELDS: dict[str, str] = {
    ErrorCode.REASON_REQUIRED: "reason",
    ErrorCode.STRONG_NO_UNACKNOWLEDGED: "acknowledge_strong_no",
}


@require_POST
@role_required(INTERVIEWER)
def invitation_resend(request: HttpRequest, invitation_id: int) -> HttpResponse:
    """Send a pending invitation again with a fresh link (the old link stops working)."""
    try:
        sent = inv.invitation_resend(
            invitation_id=invitation_id, user=request.user, now=timezone.now(), link_for=join_link_builder(request)
        )
    except ServiceError as exc:
        if exc.code == ErrorCode.NOT_FOUND:
            raise Http404(exc.message) from exc
        messages.error(request, exc.message)
    else:
        if sent.emailed:
            messages.success(request, f"A new link was sent to {sent.invitation.candidate_email}.")
        else:
            messages.error(request, "The link was replaced but the email could not be sent; try again.")
    return redirect("invitation_dashboard")


# --- Candidate: join, start, result -------------------------------------------------------------------


def joinable(request: HttpRequest, token: str) -> tuple[InvitedInterview | None, HttpResponse | None]:
    """The invitation behind the token if this user may use it; otherwise the response that says why not."""
    invitation = sel.invitation_by_token(token)
    if invitation is None:
        raise Http404("This invitation link is not valid.")
    verdict = sel.join_verdict(request.user, invitation)
    if verdict == ErrorCode.LOGIN:
        return None, redirect_to_login(reverse("invitation_join", kwargs={"token": token}))
    if verdict is not None:
        context = {"verdict": verdict, "message": sel.VERDICT_MESSAGES[verdict], "next": request.path}
        return None, _page(request, "join_blocked.html", context, status=403)
    return invitation, None


def invitation_join(request: HttpRequest, token: str) -> HttpResponse:
    """The join link: log in first; then, with a verified matching email, the invitation and its Start button."""
    invitation, refusal = joinable(request, token)
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
        "accommodation": sel.accommodation_for(invitation),
        "accommodation_form": AccommodationRequestForm(),
        "extra_time": multiplier_label(invitation.time_multiplier)
        if is_accommodated(invitation.time_multiplier)
        else "",
    }
    return _page(request, "join.html", context)


@require_POST
def invitation_start(request: HttpRequest, token: str) -> HttpResponse:
    """Start the invited interview (inside its window) and open the live page."""
    invitation, refusal = joinable(request, token)
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
    if invitation is None or sel.join_verdict(request.user, invitation) is not None:
        raise Http404("No such invitation.")
    return _page(request, "invitation_result.html", {"invitation": invitation})


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
    """A candidate's profile: their documents, the interviews the viewer may see, and the fit of each one's resume and job."""
    profile = sel.candidate_profile_for(request.user, user_id)
    if profile is None:
        raise Http404("No such candidate.")
    return _page(request, "candidate_profile.html", {"profile": profile, "fits": fits_for_chats(profile.chats)})
