"""Interview reports: the background task that grades an interview into its ExportableReport, requests and
regeneration (keeping earlier versions' scores), and the receiver that starts one when an interview completes.

Life of a report: `report_request` creates the row, or sends a finished one back, as `pending` and enqueues
`report_generate_task` once the transaction commits. The task claims it with a conditional update
(`generating`, with `last_updated` set to the claim time: the lease), grades it, and stores either `ready`
with a new `version` (the previous version's scores saved as a ReportVersion first) or `failed` with a reason
the reader can act on; a failed regeneration keeps the previous version's content. A worker that dies
mid-task leaves the row `generating`: every enqueue and task run marks such rows older than
`REPORT_STALE_MINUTES` (15) as failed, and a request for a report stuck that long is accepted again.
The claim, the lease and the recovery are interview/core/jobs.py's.

Grading: one JSON call to the configured model (one retry on invalid output, each call's usage recorded as
a TokenUsage row with request_type "report"), or the offline rubric when the interview was conducted
offline or no model is configured (`is_offline=True`). The chat's own rubric (copied from its template when
it was created) is graded; a chat without one is graded on the default rubric weighted by
settings.REPORT_WEIGHTS. The report stores `criterion_scores`, `prompt_version` and `model_name`, and a
regeneration keeps the previous version's (ReportVersion). See interview/reports/grading.py for the rules.
"""

from __future__ import annotations

import logging
import math
from datetime import datetime, timedelta
from typing import Any

from asgiref.sync import async_to_sync
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.dispatch import receiver
from django.utils import timezone
from django_tasks import task

from interview.accounts.consent import AGREED, NOT_NEEDED, consent_state
from interview.accounts.permissions import UserLike, can_regenerate_report
from interview.audit.actions import AuditAction
from interview.audit.services import audit_record
from interview.core.errors import ErrorCode, ServiceError
from interview.core.jobs import RowJob
from interview.fairness.selectors import report_fairness_flags
from interview.interviews import transcript as s
from interview.interviews.signals import chat_completed
from interview.llm import LLMError, get_provider
from interview.llm.base import LLMProvider, Usage
from interview.models import Chat, ExportableReport
from interview.reports import grading
from interview.reports.criteria import criteria_or_default
from interview.reports.overrides import report_snapshot
from interview.usage.quotas import payer_of, work_check
from interview.usage.services import usage_record

logger = logging.getLogger(__name__)

REQUEST_TYPE = "report"
DEFAULT_STALE_MINUTES = 15
INTERRUPTED_MESSAGE = (
    "Report generation was interrupted (the background worker stopped). Press Regenerate to try again."
)
UNEXPECTED_MESSAGE = (
    "Report generation failed unexpectedly. Press Regenerate to try again; if it fails again, contact support."
)
QUEUE_FAILED_MESSAGE = "Report generation could not be queued. Press Regenerate to try again."

Report = ExportableReport
BUSY = (Report.PENDING, Report.GENERATING)


class ReportFailed(Exception):
    """Grading gave up; the message is stored in the report's `error` for its readers."""


def stale_after() -> timedelta:
    """How long a report may stay pending or generating before it counts as abandoned."""
    return timedelta(minutes=float(settings.REPORT_STALE_MINUTES))


JOB = RowJob(
    model=Report,
    key="chat_id",
    status_field="status",
    lease_field="last_updated",
    error_field="error",
    pending=Report.PENDING,
    running=Report.GENERATING,
    failed=Report.FAILED,
    stale_after=stale_after,
    interrupted_message=INTERRUPTED_MESSAGE,
    queue_failed_message=QUEUE_FAILED_MESSAGE,
    label="report generation",
)


def report_weights() -> dict[str, float]:
    """The default rubric's weights (settings.REPORT_WEIGHTS), failing fast when they are unusable.

    They weight the default rubric of a chat that has no rubric of its own (chats created before rubrics).
    """
    try:
        return grading.validate_weights(settings.REPORT_WEIGHTS)
    except ValueError as exc:
        raise ImproperlyConfigured(str(exc)) from exc


@task()
def report_generate_task(chat_id: int) -> str:
    """Run in the worker for each enqueued report: recover abandoned ones, then generate this one."""
    reports_recover_stale()
    return report_generate(chat_id=chat_id)


def report_request(*, chat: Chat, now: datetime | None = None) -> ExportableReport:
    """Create the chat's report, or send a finished one back, as pending and queue it once committed."""
    if chat.status == Chat.NOT_STARTED:
        raise ServiceError(
            ErrorCode.NOT_STARTED, "This interview has not started, so there is nothing to report on yet."
        )
    now = now or timezone.now()
    with transaction.atomic():
        report, created = Report.objects.select_for_update().get_or_create(chat=chat)
        if not created:
            if report.status in BUSY and report.last_updated > now - stale_after():
                raise ServiceError(ErrorCode.REPORT_BUSY, "This report is already being generated.")
            Report.objects.filter(pk=report.pk).update(status=Report.PENDING, error="", last_updated=now)
        chat_id = chat.pk
        transaction.on_commit(lambda: report_enqueue(chat_id=chat_id))
    report.refresh_from_db()
    return report


class ReportCooldown(ServiceError):
    """A regeneration asked for too soon after the previous one; `retry_after` is the wait in whole seconds."""

    def __init__(self, retry_after: int) -> None:
        wait = f"{math.ceil(retry_after / 60)} minute(s)" if retry_after > 90 else f"{retry_after} second(s)"
        super().__init__(
            ErrorCode.REPORT_COOLDOWN, f"This report was regenerated recently. You can regenerate it again in {wait}."
        )
        self.retry_after = retry_after


REGENERATE_FORBIDDEN_MESSAGE = (
    "Only the interviewer who invited you (or an admin) can regenerate the report of an invited interview."
)


def report_regenerate(*, chat: Chat, user: UserLike, now: datetime | None = None) -> ExportableReport:
    """A user's request to (re)generate a report: refused unless they may, and at most once per cooldown.

    Raises ServiceError "forbidden" for callers who may not, QuotaExceeded when the model would grade it and the
    interview's payer has used up the day's budget (or the month's cap is reached), ReportCooldown within
    REPORT_REGENERATE_COOLDOWN_SECONDS of the last request (counted in the database, so across processes),
    and report_request's refusals; a refused request changes nothing.
    """
    if not can_regenerate_report(user, chat):
        raise ServiceError(ErrorCode.FORBIDDEN, REGENERATE_FORBIDDEN_MESSAGE)
    now = now or timezone.now()
    if _graded_by_model(chat):  # charged to the interview's payer: the inviting interviewer of an invited one
        work_check(payer_of(chat), now=now, what="Regenerating this report")
    cooldown = timedelta(seconds=settings.REPORT_REGENERATE_COOLDOWN_SECONDS)
    with transaction.atomic():
        last = Report.objects.select_for_update().filter(chat=chat).values_list("regenerated_at", flat=True).first()
        if last is not None and now < last + cooldown:
            raise ReportCooldown(max(1, math.ceil((last + cooldown - now).total_seconds())))
        report = report_request(chat=chat, now=now)
        Report.objects.filter(pk=report.pk).update(regenerated_at=now)
        audit_record(actor=user, action=AuditAction.REPORT_REGENERATED, target=report, detail={"chat": chat.pk})
    report.regenerated_at = now
    return report


def _graded_by_model(chat: Chat) -> bool:
    """Whether a new grading of the chat would call the model (report_grade's rule), so it costs tokens."""
    if chat.is_offline or get_provider().is_offline:
        return False
    return consent_state(chat.user) in (AGREED, NOT_NEEDED)


def report_enqueue(*, chat_id: int) -> None:
    """Queue generation of a chat's report (call after commit); a queue failure marks the report failed."""
    JOB.enqueue(report_generate_task, chat_id)


def reports_recover_stale(*, now: datetime | None = None) -> int:
    """Mark reports stuck generating past the stale limit as failed; return how many."""
    return JOB.recover_stale(now=now)


def report_generate(*, chat_id: int) -> str:
    """Claim a pending report, grade its interview and store the outcome; return the final status (or "skipped")."""
    claimed_at = JOB.claim(chat_id)
    if claimed_at is None:
        return "skipped"  # deleted, or already taken by another run
    chat = Chat.objects.get(pk=chat_id)
    try:
        grade, model = report_grade(chat)
    except ReportFailed as exc:
        return _fail(chat_id, claimed_at, str(exc))
    except BaseException:
        logger.exception("Generating the report of chat %s failed", chat_id)
        _fail(chat_id, claimed_at, UNEXPECTED_MESSAGE)
        raise
    return _store(chat, claimed_at, grade, model)


def grading_input(chat: Chat) -> grading.GradingInput:
    """What grading reads from a chat: its description, key questions with answers, and transcript."""
    return grading.GradingInput(
        title=chat.title,
        interview_type=chat.get_type_display(),
        difficulty=chat.difficulty,
        questions=grading.collect_answers(chat.key_questions, chat.messages),
        transcript=grading.collect_transcript(chat.messages),
        rubric=tuple(criteria_or_default(chat.rubric, report_weights())),
    )


def report_grade(chat: Chat) -> tuple[grading.Grade, str]:
    """Grade with the configured model (one retry on invalid output), or with the offline rubric; return the model."""
    data = grading_input(chat)
    weights = report_weights()
    provider = get_provider()
    # A user who withdrew consent after the interview: their answers are graded here, by the offline rubric.
    if not _graded_by_model(chat):
        return grading.grade_offline(data, weights), grading.OFFLINE_MODEL
    messages = grading.build_grading_messages(data)
    problem = ""
    for _attempt in range(2):
        text, model = _complete(provider, messages, chat)
        try:
            grade = grading.grade_from_json(text, data, weights)
        except grading.InvalidGrade as exc:
            problem = str(exc)
            logger.info("Report of chat %s: invalid grading output (%s)", chat.pk, problem)
            messages = grading.build_retry_messages(messages, text, problem)
            continue
        if grade.adjustments:
            logger.info("Report of chat %s adjusted: %s", chat.pk, "; ".join(grade.adjustments))
        return grade, model
    raise ReportFailed(
        f"The AI grader's answer was not valid twice in a row ({problem}). Press Regenerate to try again."
    )


def _complete(provider: LLMProvider, messages: list[dict[str, str]], chat: Chat) -> tuple[str, str]:
    """One JSON completion, its usage recorded; an upstream failure becomes ReportFailed."""
    try:
        text, usage, model = async_to_sync(provider.complete_json)(
            messages, schema=grading.GRADING_SCHEMA, purpose=REQUEST_TYPE
        )
    except LLMError as exc:
        # The upstream's own words (str(exc)) go to the log only: the report's readers get a plain reason.
        logger.warning("Report grading LLM call for chat %s failed: %s", chat.pk, exc)
        raise ReportFailed(f"The AI service failed ({exc.reason}). Press Regenerate to try again.") from exc
    _record_usage(chat, model, usage)
    return text, model


def _record_usage(chat: Chat, model: str, usage: Usage) -> None:
    usage_record(user_id=chat.user_id, chat=chat, usage=usage, model=model, request_type=REQUEST_TYPE)


def report_totals(chat: Chat) -> dict[str, Any]:
    """Questions asked, answers given and the duration in minutes, from the chat's stored state and timestamps."""
    questions = chat.key_questions
    if questions:
        asked = sum(1 for q in questions if q.get("status") in (s.Q_ASKED, s.Q_ANSWERED, s.Q_EXPIRED, s.Q_SKIPPED))
        given = sum(1 for qa in grading.collect_answers(questions, chat.messages) if qa.answered)
    else:
        transcript = grading.collect_transcript(chat.messages)
        asked = sum(1 for role, _ in transcript if role == "assistant")
        given = sum(1 for role, _ in transcript if role == "user")
    end = chat.completed_at or max(
        (t for m in chat.messages if (t := s.parse_iso(m.get("created_at"))) is not None), default=None
    )
    minutes = None
    if chat.started_at and end:
        minutes = max(0, round((end - chat.started_at).total_seconds() / 60))
    return {"total_questions_asked": asked, "total_responses_given": given, "interview_duration_minutes": minutes}


def _store(chat: Chat, claimed_at: datetime, grade: grading.Grade, model: str) -> str:
    """Save the grade as the report's next version if our claim still holds, keeping the previous scores."""
    with transaction.atomic():
        report = Report.objects.select_for_update().get(chat_id=chat.pk)
        if not JOB.holds(report, claimed_at):
            return "skipped"
        if report.version >= 1:
            report_snapshot(report)
        old_pdf = report.pdf_file.name
        for name, value in grade.scores().items():
            setattr(report, f"{name}_score", value)
        report.feedback_text = grade.feedback
        report.question_responses = [q.as_dict() for q in grade.questions]
        report.criterion_scores = [c.as_dict() for c in grade.criteria]
        # The AI's (or the offline rubric's) own words through the fairness check: flagged text waits for a person.
        report.fairness_flags = report_fairness_flags(report)
        report.needs_human_review = bool(report.fairness_flags)
        report.prompt_version = grade.prompt_version
        for name, value in report_totals(chat).items():
            setattr(report, name, value)
        report.is_offline = grade.is_offline
        report.model_name = model[:100]
        report.version += 1
        report.generated_at = timezone.now()
        report.status, report.error = Report.READY, ""
        report.pdf_generated, report.pdf_file = False, ""
        report.save()
        if old_pdf:
            storage = report.pdf_file.storage
            transaction.on_commit(lambda: storage.delete(old_pdf))
    return Report.READY


def _fail(chat_id: int, claimed_at: datetime, reason: str) -> str:
    """Store the failure only if our claim still holds."""
    return Report.FAILED if JOB.fail(chat_id, claimed_at, reason) else "skipped"


@receiver(chat_completed, dispatch_uid="interview.reports.services.on_chat_completed")
def on_chat_completed(sender: Any, chat_id: int, reason: str = "", **kwargs: Any) -> None:
    """Runs after the commit that completes an interview: request its report (a busy one is left alone)."""
    chat = Chat.objects.filter(pk=chat_id).first()
    if chat is None:
        return
    try:
        report_request(chat=chat)
    except ServiceError as exc:
        logger.info("Report of chat %s not requested on completion (%s): %s", chat_id, reason, exc.message)
