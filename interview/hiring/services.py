"""Invitations: invite a candidate by email, start the interview from the link, complete, review, settle.

States: pending → in_progress → completed → reviewed, or pending → expired. Only `invitations_settle`
expires an invitation, and only a pending one whose start window has closed; a started interview is
closed through the interview services (which send `chat_completed`) and then marked completed.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse

from interview.accounts.forms import normalise_email
from interview.accounts.permissions import is_admin, is_interviewer
from interview.audit.actions import AuditAction
from interview.audit.services import audit_record
from interview.core.errors import ErrorCode, ServiceError
from interview.fairness.services import fairness_guard
from interview.hiring import clock
from interview.hiring.ics import CalendarEvent, event_calendar
from interview.hiring.mail import email_send as _send
from interview.hiring.mail import site_url
from interview.hiring.panel import panel_resolve
from interview.hiring.reminders import panel_reminders_send
from interview.hiring.retention import retention_settle
from interview.hiring.selectors import VERDICT_MESSAGES, join_verdict, token_hash
from interview.interviews import services as interview_svc
from interview.interviews import transcript as s
from interview.interviews.accommodation import STANDARD, multiplier_parse, window_extra_seconds
from interview.interviews.chats import NotFoundError, chat_create
from interview.llm import get_provider
from interview.models import Chat, InterviewTemplate, InvitedInterview
from interview.setup.assembly import ShortageError
from interview.setup.interview_templates import template_key_questions
from interview.usage.quotas import daily_check, invitation_expected_tokens

logger = logging.getLogger(__name__)

LinkFor = Callable[[str], str]
FEEDBACK_MAX_CHARS = 10_000
TITLE_MAX_LENGTH = Chat._meta.get_field("title").max_length


@dataclass(frozen=True)
class InvitationSent:
    """A saved invitation and whether its email went out."""

    invitation: InvitedInterview
    emailed: bool


@dataclass(frozen=True)
class SettleResult:
    """What one settling pass changed."""

    expired: int = 0
    completed: int = 0
    closed: int = 0
    reminded: int = 0  # scorecard reminders emailed to panels
    retention_warned: int = 0  # accounts warned their practice data is deleted in 14 days (hiring/retention.py)
    retention_purged: int = 0  # accounts whose practice data was deleted for inactivity


# --- Create and resend ------------------------------------------------------------------------------


def invitation_create(
    *,
    interviewer: Any,
    candidate_email: str,
    template_id: int | None,
    scheduled_time: datetime,
    duration_minutes: int,
    now: datetime,
    link_for: LinkFor,
    panel: Sequence[Any] = (),
    time_multiplier: object = None,
) -> InvitationSent:
    """Save a pending invitation from one of the interviewer's templates and email the join link with an .ics.

    `panel` names co-interviewers (ids or usernames, see interview/hiring/panel.py); a bad panel is a
    ServiceError and nothing is saved. `time_multiplier` (1, 1.25, 1.5 or 2; default 1) is an accommodation: every
    time limit of the interview is multiplied and its window extended (interview/interviews/accommodation.py).
    """
    if not is_interviewer(interviewer):
        raise ServiceError(ErrorCode.FORBIDDEN, "Only interviewers and admins can invite candidates.")
    errors = clock.schedule_errors(scheduled_time=scheduled_time, duration_minutes=duration_minutes, now=now)
    multiplier = STANDARD
    try:
        multiplier = multiplier_parse(STANDARD if time_multiplier is None else time_multiplier)
    except ValueError as exc:
        errors["time_multiplier"] = str(exc)
    email = normalise_email(candidate_email)
    try:
        validate_email(email)
    except ValidationError:
        errors["candidate_email"] = "Enter a valid email address."
    else:
        if email.lower() == (interviewer.email or "").lower():
            errors["candidate_email"] = "You cannot invite yourself."
    template = InterviewTemplate.objects.visible_to(interviewer).filter(pk=template_id).first() if template_id else None
    if template is None:
        errors["template"] = "Choose one of your interview templates."
    elif message := _template_problem(template):
        errors["template"] = message
    if errors:
        raise ValidationError(errors)
    if template is not None and not get_provider().is_offline:  # the model will run it, charged to the inviter
        needed = invitation_expected_tokens(template)
        daily_check(interviewer, now=now, needed=needed, what="An interview from this template")
    members = panel_resolve(panel, creator=interviewer, candidate_email=email)
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        invitation = InvitedInterview.objects.create(
            interviewer=interviewer,
            candidate_email=email,
            template=template,
            scheduled_time=scheduled_time,
            duration_minutes=duration_minutes,
            token_hash=token_hash(token),
            time_multiplier=multiplier,
        )
        audit_record(
            actor=interviewer,
            action=AuditAction.INVITATION_CREATED,
            target=invitation,
            detail={"candidate_email": email, "template": template.pk if template else None},
        )
        invitation.panel.set(members)
    return InvitationSent(invitation, _email_invitation(invitation, link_for(token), now))


def invitation_resend(*, invitation_id: int, user: Any, now: datetime, link_for: LinkFor) -> InvitationSent:
    """Replace a pending invitation's link (the old one stops working) and email the new one."""
    with transaction.atomic():
        invitation = _for_reviewer(invitation_id, user, lock=True)
        if invitation.status != InvitedInterview.PENDING:
            raise ServiceError(ErrorCode.NOT_PENDING, "Only a pending invitation can be sent again.")
        if (
            clock.start_window_state(
                now=now, scheduled_time=invitation.scheduled_time, duration_minutes=invitation.duration_minutes
            )
            == clock.CLOSED
        ):
            raise ServiceError(
                ErrorCode.WINDOW_CLOSED, "This invitation's time window has closed; invite the candidate again."
            )
        token = secrets.token_urlsafe(32)
        invitation.token_hash = token_hash(token)
        invitation.save(update_fields=["token_hash"])
        audit_record(actor=user, action=AuditAction.INVITATION_RESENT, target=invitation)
    return InvitationSent(invitation, _email_invitation(invitation, link_for(token), now))


def _template_problem(template: InterviewTemplate) -> str | None:
    try:
        template_key_questions(template, seed=0)
    except ShortageError as exc:
        return f'The template "{template.name}" cannot be used yet. {exc}'
    return None


# --- Start ------------------------------------------------------------------------------------------


def invitation_start(*, token: str, user: Any, now: datetime) -> InvitedInterview:
    """Start the invited interview inside its window: create its chat from the template, ending at start + duration."""
    with transaction.atomic():
        invitation = (
            # Lock the invitation only: PostgreSQL cannot lock the outer-joined (nullable) template.
            InvitedInterview.objects.select_for_update(of=("self",))
            .select_related("template", "interviewer")
            .filter(token_hash=token_hash(token))
            .first()
        )
        if invitation is None:
            raise ServiceError(ErrorCode.NOT_FOUND, "This invitation link is not valid.")
        verdict = join_verdict(user, invitation)
        if verdict is not None:
            raise ServiceError(verdict, VERDICT_MESSAGES[verdict])
        if invitation.status == InvitedInterview.IN_PROGRESS and invitation.chat_id is not None:
            return invitation  # a second click on Start goes back to the same interview
        if invitation.status != InvitedInterview.PENDING:
            raise ServiceError(ErrorCode.ALREADY_USED, f"This invitation is {invitation.get_status_display().lower()}.")
        state = clock.start_window_state(
            now=now, scheduled_time=invitation.scheduled_time, duration_minutes=invitation.duration_minutes
        )
        if state == clock.EARLY:
            raise ServiceError(
                ErrorCode.TOO_EARLY, "This interview has not opened yet; come back at the scheduled time."
            )
        if state == clock.CLOSED:
            raise ServiceError(ErrorCode.WINDOW_CLOSED, "This interview's time window has closed.")
        chat = _invited_chat(invitation, user)
        chat.ends_at = clock.interview_ends_at(
            started_at=now, duration_minutes=invitation.duration_minutes, extra_seconds=_extra_time(chat)
        )
        chat.save(update_fields=["ends_at", "updated_at"])
        invitation.status = InvitedInterview.IN_PROGRESS
        invitation.started_at = now
        invitation.candidate = user
        invitation.chat = chat
        invitation.save(update_fields=["status", "started_at", "candidate", "chat"])
        return invitation


def _extra_time(chat: Chat) -> int:
    """The seconds an accommodation adds to the interview's window (interview/interviews/accommodation.py)."""
    return window_extra_seconds(
        chat.key_questions,
        chat.time_multiplier,
        max_follow_ups=chat.max_follow_ups,
        ratio=settings.FOLLOW_UP_TIME_LIMIT_RATIO,
    )


def _invited_chat(invitation: InvitedInterview, user: Any) -> Chat:
    template = invitation.template
    title = (template.name if template else "Invited interview")[:TITLE_MAX_LENGTH]
    try:
        return chat_create(
            user=user,
            title=title,
            type=Chat.GENERAL,
            difficulty=min(10, template.difficulty * 2) if template else 5,
            template_id=template.pk if template else None,
            template_chooser=invitation.interviewer,
            time_multiplier=invitation.time_multiplier,
        )
    except (NotFoundError, ValidationError) as exc:
        logger.warning("Invitation %s could not start: %s", invitation.pk, exc)
        raise ServiceError(
            ErrorCode.TEMPLATE_UNAVAILABLE,
            "The interview's template cannot be used right now; contact your interviewer.",
        ) from exc


# --- Complete, review -------------------------------------------------------------------------------


def invitation_complete(*, chat_id: int, now: datetime) -> bool:
    """Mark the in-progress invitation of a completed chat as completed and email its interviewer; False if none."""
    with transaction.atomic():
        invitation = (
            InvitedInterview.objects.select_for_update()
            .filter(chat_id=chat_id, status=InvitedInterview.IN_PROGRESS)
            .first()
        )
        if invitation is None:
            return False
        _mark_completed(invitation, now)
    return True


def _mark_completed(invitation: InvitedInterview, now: datetime) -> None:
    invitation.status = InvitedInterview.COMPLETED
    invitation.completed_at = now
    invitation.save(update_fields=["status", "completed_at"])
    invitation_id = invitation.pk
    transaction.on_commit(lambda: _email_completed(invitation_id))


def invitation_review(
    *, invitation_id: int, user: Any, feedback: str, publish: bool, now: datetime, confirm_language: bool = False
) -> InvitedInterview:
    """Save the interviewer's feedback; with `publish`, mark the invitation reviewed and email the candidate.

    The feedback passes the fairness guard first (`confirm_language` keeps wording it only warns about).
    """
    feedback = (feedback or "").strip()
    if len(feedback) > FEEDBACK_MAX_CHARS:
        raise ValidationError({"feedback": f"Keep the feedback under {FEEDBACK_MAX_CHARS} characters."})
    if publish and not feedback:
        raise ValidationError({"feedback": "Write feedback for the candidate before marking the interview reviewed."})
    with transaction.atomic():
        invitation = _for_reviewer(invitation_id, user, lock=True)
        if invitation.status == InvitedInterview.REVIEWED:
            raise ServiceError(
                ErrorCode.ALREADY_REVIEWED, "This interview has already been reviewed; its feedback is final."
            )
        if invitation.status != InvitedInterview.COMPLETED:
            raise ServiceError(ErrorCode.NOT_COMPLETED, "Feedback can be given once the interview is completed.")
        fairness_guard(text=feedback, confirmed=confirm_language, field="feedback")
        invitation.interviewer_feedback = feedback
        fields = ["interviewer_feedback"]
        if publish:
            invitation.status = InvitedInterview.REVIEWED
            invitation.feedback_published = True
            invitation.reviewed_at = now
            fields += ["status", "feedback_published", "reviewed_at"]
            invitation_pk = invitation.pk
            transaction.on_commit(lambda: _email_reviewed(invitation_pk))
        invitation.save(update_fields=fields)
    return invitation


def _for_reviewer(invitation_id: int, user: Any, *, lock: bool = False) -> InvitedInterview:
    rows = InvitedInterview.objects.select_for_update() if lock else InvitedInterview.objects.all()
    invitation = rows.filter(pk=invitation_id).first()
    if invitation is None or not (invitation.interviewer_id == user.pk or is_admin(user)):
        raise ServiceError(ErrorCode.NOT_FOUND, "No such invitation.")
    return invitation


# --- Settle (the periodic task) ---------------------------------------------------------------------


def invitations_settle(*, now: datetime) -> SettleResult:
    """Expire pending invitations whose window closed, complete started ones whose interview ended or was abandoned,
    and remind panels of missing scorecards; then apply DATA_RETENTION_DAYS to inactive accounts' practice data."""
    expired = _expire_pending(now)
    closed = _close_abandoned(now)
    completed = 0
    finished = InvitedInterview.objects.filter(status=InvitedInterview.IN_PROGRESS, chat__status=Chat.COMPLETED)
    for chat_id in list(finished.values_list("chat_id", flat=True)):
        completed += invitation_complete(chat_id=chat_id, now=now)
    for invitation_id in list(
        InvitedInterview.objects.filter(status=InvitedInterview.IN_PROGRESS, chat__isnull=True).values_list(
            "pk", flat=True
        )
    ):
        with transaction.atomic():  # the candidate deleted the chat: nothing is left to wait for
            orphan = InvitedInterview.objects.select_for_update().filter(pk=invitation_id, chat__isnull=True).first()
            if orphan is not None and orphan.status == InvitedInterview.IN_PROGRESS:
                _mark_completed(orphan, now)
                completed += 1
    reminded = panel_reminders_send(now=now)
    retention = retention_settle(now=now)
    return SettleResult(
        expired=expired,
        completed=completed,
        closed=closed,
        reminded=reminded,
        retention_warned=retention.warned,
        retention_purged=retention.purged,
    )


def _expire_pending(now: datetime) -> int:
    # No invitation's window is shorter than the minimum duration, which bounds the rows to look at.
    earliest_close = now - timedelta(minutes=clock.MIN_DURATION_MINUTES)
    candidates = InvitedInterview.objects.filter(status=InvitedInterview.PENDING, scheduled_time__lte=earliest_close)
    due = [
        pk
        for pk, scheduled, minutes in candidates.values_list("pk", "scheduled_time", "duration_minutes")
        if clock.start_window_state(now=now, scheduled_time=scheduled, duration_minutes=minutes) == clock.CLOSED
    ]
    # Conditional on still being pending: an invitation started meanwhile is never expired.
    return InvitedInterview.objects.filter(pk__in=due, status=InvitedInterview.PENDING).update(
        status=InvitedInterview.EXPIRED
    )


def _close_abandoned(now: datetime) -> int:
    """Close the chats of started invitations well past their end (the live watcher normally does it first)."""
    margin = timedelta(seconds=float(settings.INVITATION_ABANDON_GRACE_SECONDS))
    overdue = Chat.objects.filter(invitation__status=InvitedInterview.IN_PROGRESS, ends_at__lt=now - margin).exclude(
        status=Chat.COMPLETED
    )
    closed = 0
    for chat_id, status, messages in overdue.values_list("pk", "status", "messages"):
        if status == Chat.NOT_STARTED:
            done = interview_svc.interview_end(chat_id=chat_id, now=now, reason="time_window_closed")
        else:
            done = interview_svc.interview_window_close(chat_id=chat_id, now=now)
            if not done and s.streaming_message(messages) is not None:
                # A reply whose process died (its lease ran out) fails, and the time it lost is given back
                # to the window: the interview closes once that time has passed too.
                interview_svc.generation_orphan_recover(chat_id=chat_id, now=now)
                done = interview_svc.interview_window_close(chat_id=chat_id, now=now)
        if done:
            closed += 1
            invitation_complete(chat_id=chat_id, now=now)
    return closed


# --- Emails -----------------------------------------------------------------------------------------


def invitation_calendar(invitation: InvitedInterview, link: str, now: datetime) -> str:
    """Return the invitation's .ics text: one event from the scheduled time for the duration, with the join link."""
    who = invitation.interviewer.get_full_name() or invitation.interviewer.username
    event = CalendarEvent(
        uid=f"invitation-{invitation.pk}-{int(invitation.created_at.timestamp())}@active-interview",
        dtstamp=now,
        start=invitation.scheduled_time,
        end=clock.window_end(invitation.scheduled_time, invitation.duration_minutes),
        summary=f"Interview with {who}",
        description=f"Join here: {link}\nSign in with {invitation.candidate_email} (verified) to start.",
        url=link,
        organizer_email=invitation.interviewer.email,
    )
    return event_calendar(event)


def _email_invitation(invitation: InvitedInterview, link: str, now: datetime) -> bool:
    context = {"invitation": invitation, "link": link, "interviewer": invitation.interviewer}
    who = invitation.interviewer.get_full_name() or invitation.interviewer.username
    return _send(
        subject=f"Interview invitation from {who}",
        template="invitation",
        context=context,
        to=invitation.candidate_email,
        calendar=invitation_calendar(invitation, link, now),
    )


def _email_completed(invitation_id: int) -> None:
    invitation = InvitedInterview.objects.select_related("interviewer", "candidate").get(pk=invitation_id)
    if not invitation.interviewer.email:
        return
    link = site_url(reverse("invitation_review", kwargs={"invitation_id": invitation.pk}))
    context = {"invitation": invitation, "link": link}
    _send(
        subject=f"Interview completed: {invitation.candidate_email}",
        template="invitation_completed",
        context=context,
        to=invitation.interviewer.email,
    )


def _email_reviewed(invitation_id: int) -> None:
    invitation = InvitedInterview.objects.select_related("interviewer", "candidate").get(pk=invitation_id)
    to = invitation.candidate.email if invitation.candidate else invitation.candidate_email
    link = site_url(reverse("invitation_result", kwargs={"invitation_id": invitation.pk}))
    context = {"invitation": invitation, "link": link}
    _send(subject="Your interview feedback is ready", template="invitation_reviewed", context=context, to=to)
