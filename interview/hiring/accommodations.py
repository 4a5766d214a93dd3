"""Extra time on request (issue 22): the candidate asks from the join page, the inviting interviewer decides.

One request per invitation, before the interview starts. Only the multiplier asked for is stored, never a
reason: the interviewers see that extra time applied, not why. A grant sets the invitation's
`time_multiplier`, which the interview's chat copies when it starts (interview/interviews/accommodation.py).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.urls import reverse

from interview.accounts.permissions import is_admin
from interview.audit.actions import AuditAction
from interview.audit.services import audit_record
from interview.core.errors import ErrorCode, ServiceError
from interview.hiring import clock
from interview.hiring.mail import email_send, site_url
from interview.hiring.selectors import VERDICT_MESSAGES, join_verdict, token_hash
from interview.interviews.accommodation import MULTIPLIER_MESSAGE, multiplier_label, multiplier_parse
from interview.models import AccommodationRequest, InvitedInterview

EXTRA_ONLY = "Choose extra time of 1.25, 1.5 or 2 (1 is the standard time)."
STARTED = "The interview has already started; extra time can only be settled before it starts."
DECISIONS = ("grant", "decline")


def extra_time_parse(value: object) -> Decimal:
    """A multiplier that grants extra time (1.25, 1.5 or 2), else a ServiceError `invalid` saying which are allowed."""
    try:
        multiplier = multiplier_parse(value)
    except ValueError as exc:
        raise ServiceError(ErrorCode.INVALID, MULTIPLIER_MESSAGE) from exc
    if multiplier <= 1:
        raise ServiceError(ErrorCode.INVALID, EXTRA_ONLY)
    return multiplier


def _ensure_not_started(invitation: InvitedInterview, now: datetime) -> None:
    if invitation.status != InvitedInterview.PENDING:
        raise ServiceError(ErrorCode.ALREADY_STARTED, STARTED)
    state = clock.start_window_state(
        now=now, scheduled_time=invitation.scheduled_time, duration_minutes=invitation.duration_minutes
    )
    if state == clock.CLOSED:
        raise ServiceError(ErrorCode.WINDOW_CLOSED, "This invitation's time window has closed.")


def accommodation_request(*, token: str, user: Any, multiplier: object, now: datetime) -> AccommodationRequest:
    """The candidate's one request for extra time, before the interview starts; the inviting interviewer is emailed.

    Refusals (nothing saved): invalid, already_requested, already_started, window_closed, and the join refusals.
    """
    requested = extra_time_parse(multiplier)
    with transaction.atomic():
        invitation = (
            InvitedInterview.objects.select_for_update(of=("self",))
            .select_related("interviewer", "template")
            .filter(token_hash=token_hash(token or ""))
            .first()
        )
        if invitation is None:
            raise ServiceError(ErrorCode.NOT_FOUND, "This invitation link is not valid.")
        verdict = join_verdict(user, invitation)
        if verdict is not None:
            raise ServiceError(verdict, VERDICT_MESSAGES[verdict])
        _ensure_not_started(invitation, now)
        if AccommodationRequest.objects.filter(invitation=invitation).exists():
            raise ServiceError(
                ErrorCode.ALREADY_REQUESTED,
                "You have already asked for extra time for this interview; your interviewer decides on that request.",
            )
        request = AccommodationRequest.objects.create(invitation=invitation, requested_multiplier=requested)
        audit_record(
            actor=user,
            action=AuditAction.ACCOMMODATION_REQUESTED,
            target=invitation,
            detail={"multiplier": str(requested)},
        )
        transaction.on_commit(lambda: _email_requested(request))
    return request


def accommodation_decide(
    *, invitation_id: int, user: Any, decision: str, multiplier: object = None, now: datetime
) -> AccommodationRequest:
    """The inviting interviewer (or an admin) grants the request, with the multiplier asked for or another one of
    1.25, 1.5 or 2, or declines it; once, before the interview starts. The candidate is emailed."""
    if decision not in DECISIONS:
        raise ServiceError(ErrorCode.INVALID, "The decision is grant or decline.")
    granted = extra_time_parse(multiplier) if decision == "grant" and multiplier is not None else None
    with transaction.atomic():
        invitation = InvitedInterview.objects.select_for_update().filter(pk=invitation_id).first()
        if invitation is None or not (invitation.interviewer_id == user.pk or is_admin(user)):
            raise ServiceError(ErrorCode.NOT_FOUND, "No such invitation.")
        request = AccommodationRequest.objects.select_for_update().filter(invitation=invitation).first()
        if request is None:
            raise ServiceError(ErrorCode.NO_REQUEST, "The candidate has not asked for extra time.")
        if request.status != AccommodationRequest.PENDING:
            raise ServiceError(ErrorCode.ALREADY_DECIDED, f"This request was already {request.status}.")
        _ensure_not_started(invitation, now)
        request.status = AccommodationRequest.GRANTED if decision == "grant" else AccommodationRequest.DECLINED
        request.decided_at = now
        request.decided_by = user
        request.save(update_fields=["status", "decided_at", "decided_by"])
        if decision == "grant":
            invitation.time_multiplier = granted or request.requested_multiplier
            invitation.save(update_fields=["time_multiplier"])
        audit_record(
            actor=user,
            action=AuditAction.ACCOMMODATION_DECIDED,
            target=invitation,
            detail={"decision": decision, "multiplier": str(invitation.time_multiplier)},
        )
        transaction.on_commit(lambda: _email_decided(request))
    return request


def _email_requested(request: AccommodationRequest) -> None:
    invitation = request.invitation
    if not invitation.interviewer.email:
        return
    link = site_url(reverse("invitation_review", kwargs={"invitation_id": invitation.pk}))
    email_send(
        subject=f"Extra time requested: {invitation.candidate_email}",
        template="accommodation_requested",
        context={"invitation": invitation, "link": link, "label": multiplier_label(request.requested_multiplier)},
        to=invitation.interviewer.email,
    )


def _email_decided(request: AccommodationRequest) -> None:
    invitation = InvitedInterview.objects.select_related("template").get(pk=request.invitation_id)
    email_send(
        subject="Your request for extra time",
        template="accommodation_decided",
        context={"invitation": invitation, "request": request, "label": multiplier_label(invitation.time_multiplier)},
        to=invitation.candidate_email,
    )
