"""Pages of extra time on request (issue 22): the candidate asks on the join page, the interviewer decides on
the invitation's review page."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.http import require_POST

from interview.accounts.permissions import INTERVIEWER, role_required
from interview.core.errors import ServiceError
from interview.hiring import selectors as sel
from interview.hiring.accommodations import accommodation_decide, accommodation_request
from interview.hiring.forms import AccommodationDecisionForm, AccommodationRequestForm
from interview.hiring.views import joinable
from interview.interviews.accommodation import multiplier_label


@require_POST
def accommodation_request_page(request: HttpRequest, token: str) -> HttpResponse:
    """The candidate asks once for extra time from the join page (before starting); back to the join page."""
    _, refusal = joinable(request, token)
    if refusal is not None:
        return refusal
    form = AccommodationRequestForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(message) for message in form.errors["multiplier"]))
        return redirect("invitation_join", token=token)
    try:
        made = accommodation_request(
            token=token, user=request.user, multiplier=form.cleaned_data["multiplier"], now=timezone.now()
        )
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            f"Your request for {multiplier_label(made.requested_multiplier)} time was sent to your interviewer.",
        )
    return redirect("invitation_join", token=token)


@require_POST
@role_required(INTERVIEWER)
def accommodation_decision_page(request: HttpRequest, invitation_id: int) -> HttpResponse:
    """The inviting interviewer (or an admin) grants or declines the request; back to the review page."""
    invitation = sel.invitation_get_for_reviewer(request.user, invitation_id)
    if invitation is None:
        raise Http404("No such invitation.")
    form = AccommodationDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(message) for errors in form.errors.values() for message in errors))
        return redirect("invitation_review", invitation_id=invitation.pk)
    d = form.cleaned_data
    try:
        decided = accommodation_decide(
            invitation_id=invitation.pk,
            user=request.user,
            decision=d["decision"],
            multiplier=d.get("multiplier") or None,
            now=timezone.now(),
        )
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"Extra time {decided.status}.")
    return redirect("invitation_review", invitation_id=invitation.pk)
