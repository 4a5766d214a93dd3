"""An invitation's panel (co-interviewers) and the hiring decision.

The panel: up to PANEL_MAX interviewers or admins besides the invitation's creator, never the creator
and never the candidate; each may observe the interview live and score it. The decision (advance, hold,
reject) is recorded once by the inviting interviewer (or an admin), with a reason, after at least one
scorecard is submitted. When a submitted scorecard recommends `strong_no`, the decision must carry
`acknowledge_strong_no: true` (the reason says why the team goes ahead anyway, or agrees).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q

from interview.accounts.permissions import is_admin, is_interviewer
from interview.audit.actions import AuditAction
from interview.audit.services import audit_record
from interview.core.errors import ErrorCode, ServiceError
from interview.fairness.services import fairness_guard
from interview.models import InvitedInterview, Scorecard

PANEL_MAX = 5
REASON_MAX_CHARS = 5000
MAX_ID = 2**63 - 1  # larger numbers are no one's id (and would overflow the database's integer)
DECISIONS = tuple(code for code, _ in InvitedInterview.DECISION_CHOICES)


def panel_resolve(
    refs: Iterable[Any], *, creator: Any, candidate_email: str = "", candidate_id: Any = None
) -> list[Any]:
    """The users named by ids or usernames, checked: at most PANEL_MAX, each an active interviewer or admin,
    neither the creator nor the candidate. A name given twice counts once."""
    refs = [r.strip() if isinstance(r, str) else r for r in refs]
    refs = [r for r in refs if r != ""]
    if not all(isinstance(r, (int, str)) and not isinstance(r, bool) for r in refs):
        raise ServiceError(ErrorCode.INVALID, "The panel is a list of user ids or usernames.")
    if len(refs) > PANEL_MAX * 10:  # duplicates count once, but not without bound
        raise ServiceError(ErrorCode.PANEL_TOO_LARGE, f"A panel has at most {PANEL_MAX} co-interviewers.")
    names = {r for r in refs if isinstance(r, str)}
    numbers = [r for r in refs if isinstance(r, int)] + [int(n) for n in names if n.isdigit() and len(n) < 12]
    ids = {n for n in numbers if 0 < n <= MAX_ID}
    users = get_user_model().objects.filter(Q(pk__in=ids) | Q(username__in=names)).select_related("profile")
    by_id = {u.pk: u for u in users}
    by_name = {u.username: u for u in by_id.values()}
    chosen: dict[int, Any] = {}
    missing: list[str] = []
    for ref in refs:
        user = by_id.get(ref) if isinstance(ref, int) else by_name.get(ref)
        if user is None and isinstance(ref, str) and ref.isdigit() and len(ref) < 12:
            user = by_id.get(int(ref))
        if user is None:
            missing.append(str(ref))
        else:
            chosen[user.pk] = user
    if missing:
        raise ServiceError(ErrorCode.NOT_FOUND, f"No such user: {', '.join(missing)}.")
    if len(chosen) > PANEL_MAX:
        raise ServiceError(ErrorCode.PANEL_TOO_LARGE, f"A panel has at most {PANEL_MAX} co-interviewers.")
    for user in chosen.values():
        _check_member(user, creator, candidate_email, candidate_id)
    return list(chosen.values())


def _check_member(user: Any, creator: Any, candidate_email: str, candidate_id: Any) -> None:
    if user.pk == creator.pk:
        raise ServiceError(ErrorCode.INVALID, "You are the inviting interviewer already; leave yourself off the panel.")
    if user.pk == candidate_id or (candidate_email and (user.email or "").lower() == candidate_email.lower()):
        raise ServiceError(ErrorCode.INVALID, f"{user.username} is the candidate and cannot sit on the panel.")
    if not user.is_active or not is_interviewer(user):
        raise ServiceError(
            ErrorCode.NOT_ON_PANEL,
            f"{user.username} is not an interviewer; only interviewers and admins can sit on a panel.",
        )


def panel_set(*, invitation_id: int, user: Any, panel: Sequence[Any]) -> InvitedInterview:
    """Replace the invitation's panel (its creator or an admin); co-interviewers taken off lose their sockets."""
    with transaction.atomic():
        invitation = InvitedInterview.objects.select_for_update().filter(pk=invitation_id).first()
        if invitation is None or not (invitation.interviewer_id == user.pk or is_admin(user)):
            raise ServiceError(ErrorCode.NOT_FOUND, "No such invitation.")
        members = panel_resolve(
            panel,
            creator=invitation.interviewer,
            candidate_email=invitation.candidate_email,
            candidate_id=invitation.candidate_id,
        )
        invitation.panel.set(members)
        detail = {"panel": sorted(member.pk for member in members)}
        audit_record(actor=user, action=AuditAction.PANEL_CHANGED, target=invitation, detail=detail)
    return invitation


def invitation_decide(
    *,
    invitation_id: int,
    user: Any,
    decision: str,
    reason: str,
    acknowledge_strong_no: bool,
    now: datetime,
    confirm_language: bool = False,
) -> InvitedInterview:
    """Record the hiring decision once: the inviting interviewer or an admin, after a submitted scorecard.

    The reason passes the fairness guard (`confirm_language` keeps wording it only warns about).
    """
    if decision not in DECISIONS:
        raise ServiceError(ErrorCode.INVALID, f"The decision must be one of {', '.join(DECISIONS)}.")
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(ErrorCode.REASON_REQUIRED, "Give a reason for the decision.")
    if len(reason) > REASON_MAX_CHARS:
        raise ServiceError(ErrorCode.INVALID, f"Keep the reason under {REASON_MAX_CHARS} characters.")
    with transaction.atomic():
        invitation = InvitedInterview.objects.select_for_update().filter(pk=invitation_id).first()
        if invitation is None or not (invitation.interviewer_id == user.pk or is_admin(user)):
            raise ServiceError(ErrorCode.NOT_FOUND, "No such invitation.")
        if invitation.decision:
            raise ServiceError(ErrorCode.ALREADY_DECIDED, "The decision on this interview is already recorded.")
        submitted = Scorecard.objects.filter(chat_id=invitation.chat_id or 0, status=Scorecard.SUBMITTED)
        if invitation.chat_id is None or not submitted.exists():
            raise ServiceError(ErrorCode.NO_SCORECARD, "A decision needs at least one submitted scorecard.")
        if submitted.filter(recommendation=Scorecard.STRONG_NO).exists() and not acknowledge_strong_no:
            raise ServiceError(
                ErrorCode.STRONG_NO_UNACKNOWLEDGED,
                "A panel member recommends a strong no: acknowledge it and address it in your reason.",
            )
        fairness_guard(text=reason, confirmed=confirm_language, field="reason")
        invitation.decision = decision
        invitation.decision_reason = reason
        invitation.decided_at = now
        invitation.decided_by = user
        invitation.save(update_fields=["decision", "decision_reason", "decided_at", "decided_by"])
        detail = {"decision": decision, "strong_no_acknowledged": bool(acknowledge_strong_no)}
        audit_record(actor=user, action=AuditAction.DECISION_RECORDED, target=invitation, detail=detail)
    return invitation


def strong_no_names(invitation: InvitedInterview) -> list[str]:
    """Who recommends a strong no in a submitted scorecard of the invitation's interview."""
    if invitation.chat_id is None:
        return []
    rows = Scorecard.objects.filter(
        chat_id=invitation.chat_id, status=Scorecard.SUBMITTED, recommendation=Scorecard.STRONG_NO
    ).select_related("interviewer")
    return [card.interviewer.get_full_name() or card.interviewer.username for card in rows]
