"""Role change requests: a candidate asks for the interviewer role, an admin decides once."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from interview.accounts.permissions import is_candidate
from interview.audit.actions import AuditAction
from interview.audit.services import audit_record
from interview.core.errors import ErrorCode, ServiceError
from interview.models import RoleChangeRequest, UserProfile

# Roles a user may ask for themselves; admin is granted by another admin directly, never requested.
REQUESTABLE_ROLES = (UserProfile.INTERVIEWER,)
DECISIONS = (RoleChangeRequest.APPROVED, RoleChangeRequest.REJECTED)
REASON_MAX_CHARS = 2000
NOTES_MAX_CHARS = 2000
PENDING_EXISTS = "You already have a pending request; wait for an admin to decide it."


def role_request_create(*, user: Any, requested_role: str, reason: str = "") -> RoleChangeRequest:
    """Record a candidate's request for the interviewer role; refused while another request is pending."""
    if not is_candidate(user):
        raise ServiceError(ErrorCode.NOT_CANDIDATE, "Only candidates can request another role.")
    if requested_role not in REQUESTABLE_ROLES:
        raise ValidationError({"requested_role": "You can request the interviewer role only."})
    reason = (reason or "").strip()
    if len(reason) > REASON_MAX_CHARS:
        raise ValidationError({"reason": f"Keep the reason under {REASON_MAX_CHARS} characters."})
    if RoleChangeRequest.objects.filter(user=user, status=RoleChangeRequest.PENDING).exists():
        raise ServiceError(ErrorCode.PENDING_EXISTS, PENDING_EXISTS)
    with transaction.atomic():
        try:
            with transaction.atomic():
                created = RoleChangeRequest.objects.create(user=user, requested_role=requested_role, reason=reason)
        except IntegrityError as exc:  # a concurrent request won the race for the one pending slot
            raise ServiceError(ErrorCode.PENDING_EXISTS, PENDING_EXISTS) from exc
        audit_record(actor=user, action=AuditAction.ROLE_REQUESTED, target=created, detail={"role": requested_role})
    return created


def role_request_decide(
    *,
    queryset: QuerySet[RoleChangeRequest],
    decision: str,
    reviewer: Any,
    notes: str = "",
    now: datetime | None = None,
) -> list[RoleChangeRequest]:
    """Decide the still-pending requests in `queryset` in one transaction (approval sets the role); return them."""
    if decision not in DECISIONS:
        raise ValueError(f"decision must be one of {DECISIONS}, got {decision!r}")
    notes = (notes or "").strip()
    if len(notes) > NOTES_MAX_CHARS:
        raise ValidationError({"admin_notes": f"Keep the notes under {NOTES_MAX_CHARS} characters."})
    now = now or timezone.now()
    with transaction.atomic():
        # Oldest first, so a user's latest request is the one whose role sticks. Lock only the requests'
        # rows: the admin's queryset outer-joins the nullable reviewer, which PostgreSQL cannot lock.
        pending = list(
            queryset.select_for_update(of=("self",))
            .filter(status=RoleChangeRequest.PENDING)
            .order_by("created_at", "id")
        )
        for role_request in pending:
            if decision == RoleChangeRequest.APPROVED:
                _grant(role_request)
            role_request.status, role_request.reviewed_by, role_request.reviewed_at = decision, reviewer, now
            fields = ["status", "reviewed_by", "reviewed_at"]
            if notes:
                role_request.admin_notes = notes
                fields.append("admin_notes")
            role_request.save(update_fields=fields)
            audit_record(
                actor=reviewer,
                action=AuditAction.ROLE_DECIDED,
                target=role_request,
                subject=role_request.user_id,
                detail={"decision": decision, "role": role_request.requested_role},
            )
    return pending


def role_request_decide_one(
    *, request_id: int, decision: str, reviewer: Any, notes: str = "", now: datetime | None = None
) -> RoleChangeRequest:
    """Decide one pending request; a missing request or one already decided is refused and nothing changes."""
    decided = role_request_decide(
        queryset=RoleChangeRequest.objects.filter(pk=request_id),
        decision=decision,
        reviewer=reviewer,
        notes=notes,
        now=now,
    )
    if decided:
        return decided[0]
    existing = RoleChangeRequest.objects.filter(pk=request_id).first()
    if existing is None:
        raise ServiceError(ErrorCode.NOT_FOUND, "No such role request.")
    raise ServiceError(
        ErrorCode.ALREADY_DECIDED,
        f"This request was already {existing.get_status_display().lower()}; it cannot change.",
    )


def _grant(role_request: RoleChangeRequest) -> None:
    profile, _ = UserProfile.objects.select_for_update().get_or_create(user_id=role_request.user_id)
    if profile.role == UserProfile.ADMIN:
        return  # approving an old request must never demote someone who has since become an admin
    profile.role = role_request.requested_role
    profile.save(update_fields=["role", "updated_at"])
