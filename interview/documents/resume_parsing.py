"""Background parsing of resumes into skills, experience, education and a summary, like job listings.

Life of a resume: created `pending` (the task is enqueued when the creating transaction commits),
claimed `in_progress` by the task with a conditional update (`parsed_at` is the claim's lease), then
finished `success` or `error`. The claim, the lease and the recovery of abandoned claims are
interview/core/jobs.py's, with JOB_PARSE_STALE_MINUTES as for job listings.

Never invented: a resume without usable text (a scan without a text layer, a document of pictures) is
marked `error` with NO_TEXT_REASON and the model is not called. Without consent the resume waits
`pending` with DECLINED_PARSING_REASON. Offline (no model configured) the resume gets the known skills
its text names by plain rules, `parsed_by = "rules"`, and the page says so: nothing is presented as AI.
The owner's edit wins: a re-parse after one must be confirmed (`confirm_required`) before it overwrites it.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from asgiref.sync import async_to_sync
from django.conf import settings
from django.db import transaction
from django_tasks import task

from interview.accounts.consent import DECLINED_PARSING_REASON, llm_provider
from interview.core.errors import ErrorCode, ServiceError
from interview.core.jobs import RowJob
from interview.documents import resume_rules
from interview.documents.job_parsing import (
    consent_missing,
    documents_requeue_after_consent,
    documents_requeue_after_quota,
    quota_wait_reason,
    stale_after,
)
from interview.llm import LLMError, get_provider
from interview.llm.base import LLMProvider
from interview.models import UploadedResume
from interview.usage.quotas import work_check
from interview.usage.services import usage_record

logger = logging.getLogger(__name__)

REQUEST_TYPE = "resume_parse"
Resume = UploadedResume
NO_TEXT_REASON = "This file has no text layer (a scanned image?); paste the text instead."
INTERRUPTED_MESSAGE = (
    "Parsing was interrupted (the background worker stopped before finishing). Press Retry to parse again."
)
UNEXPECTED_MESSAGE = "Parsing failed unexpectedly. Press Retry to try again; if it fails again, contact support."
QUEUE_FAILED_MESSAGE = "Parsing could not be queued. Press Retry to try again."
CONFIRM_MESSAGE = "You have edited the parsed fields; parsing again replaces your edits. Confirm to go ahead."

JOB = RowJob(
    model=Resume,
    key="pk",
    status_field="parsing_status",
    lease_field="parsed_at",
    error_field="parsing_error",
    pending=Resume.PENDING,
    running=Resume.IN_PROGRESS,
    failed=Resume.ERROR,
    stale_after=stale_after,
    interrupted_message=INTERRUPTED_MESSAGE,
    queue_failed_message=QUEUE_FAILED_MESSAGE,
    label="resume parse",
)


class ResumeParseFailed(Exception):
    """Parsing gave up; the message is stored in `parsing_error` for the owner to read."""


@task()
def resume_parse_task(resume_id: int) -> str:
    """Run in the worker for each enqueued resume: recover abandoned claims, then parse this one."""
    JOB.recover_stale()
    return resume_parse(resume_id=resume_id)


def resume_enqueue(*, resume_id: int) -> None:
    """Queue parsing of a resume (call after commit); a queue failure marks the resume as errored."""
    JOB.enqueue(resume_parse_task, resume_id)


def resume_reparse(*, resume: UploadedResume, confirm: bool = False) -> None:
    """Send a finished resume back to pending and queue it once committed.

    Refused with `parsing_busy` while pending or in progress, and with `confirm_required` when the owner
    has edited the parsed fields and `confirm` is not given; a resume without text is refused (`invalid`),
    and so is any while the owner's daily budget or the monthly cap is used up (QuotaExceeded).
    """
    if not resume.text_content.strip():
        raise ServiceError(ErrorCode.INVALID, NO_TEXT_REASON)
    if llm_provider() is not None:
        work_check(resume.user, what="Parsing this resume")
    with transaction.atomic():
        row = Resume.objects.select_for_update().filter(pk=resume.pk).first()
        if row is None or row.parsing_status not in (Resume.SUCCESS, Resume.ERROR):
            raise ServiceError(ErrorCode.PARSING_BUSY, "This resume is already being parsed.")
        if row.parsed_edited_at is not None and not confirm:
            raise ServiceError(ErrorCode.CONFIRM_REQUIRED, CONFIRM_MESSAGE)
        Resume.objects.filter(pk=resume.pk).update(parsing_status=Resume.PENDING, parsing_error="", parsed_at=None)
        transaction.on_commit(lambda: resume_enqueue(resume_id=resume.pk))
    resume.refresh_from_db()


def resumes_resume_after_consent(*, user: Any) -> int:
    """Queue the user's resumes that waited for consent (after it was given); return how many."""
    return documents_requeue_after_consent(Resume, lambda pk: resume_enqueue(resume_id=pk), user=user)


def resumes_resume_after_quota() -> int:
    """Queue the resumes that waited for a budget whose owner has one again (the settle loop); return how many."""
    return documents_requeue_after_quota(Resume, lambda pk: resume_enqueue(resume_id=pk))


def resumes_recover_stale(*, now: datetime | None = None) -> int:
    """Mark resumes stuck in progress past the stale limit as errored; return how many."""
    return JOB.recover_stale(now=now)


def resume_parse(*, resume_id: int) -> str:
    """Claim a pending resume, parse it and store the outcome; return the final status (or why it was skipped)."""
    owner = Resume.objects.filter(pk=resume_id, parsing_status=Resume.PENDING).values_list("user_id", flat=True)
    if owner and consent_missing(owner[0]):
        Resume.objects.filter(pk=resume_id, parsing_status=Resume.PENDING).update(parsing_error=DECLINED_PARSING_REASON)
        return "waiting_for_consent"
    if owner and (reason := quota_wait_reason(owner[0])):
        Resume.objects.filter(pk=resume_id, parsing_status=Resume.PENDING).update(parsing_error=reason)
        return "waiting_for_quota"
    claimed_at = JOB.claim(resume_id)
    if claimed_at is None:
        return "skipped"  # deleted, or already taken by another run
    resume = Resume.objects.filter(pk=resume_id).first()
    if resume is None:
        return "skipped"
    try:
        parsed, parsed_by = parse_resume(resume)
    except ResumeParseFailed as exc:
        return Resume.ERROR if JOB.fail(resume_id, claimed_at, str(exc)) else "skipped"
    except (KeyboardInterrupt, SystemExit):  # the worker is being stopped mid-task
        JOB.fail(resume_id, claimed_at, INTERRUPTED_MESSAGE)
        raise
    except BaseException:
        logger.exception("Parsing resume %s failed", resume_id)
        JOB.fail(resume_id, claimed_at, UNEXPECTED_MESSAGE)
        raise
    fields = {**parsed.as_fields(), "parsed_by": parsed_by[:100], "parsed_edited_at": None}
    return Resume.SUCCESS if JOB.finish(resume_id, claimed_at, status=Resume.SUCCESS, **fields) else "skipped"


def parse_resume(resume: UploadedResume) -> tuple[resume_rules.ParsedResume, str]:
    """Parse with the configured LLM (one retry on invalid output), or plain rules offline; never without text."""
    text = resume.text_content.strip()
    if not text:
        raise ResumeParseFailed(NO_TEXT_REASON)
    provider = get_provider()
    if provider.is_offline:
        return resume_rules.parse_resume_offline(text), resume_rules.RULES_PARSER
    messages = resume_rules.build_resume_parse_messages(text=text)
    problem = ""
    for _attempt in range(2):
        reply, model = _complete(provider, messages, owner_id=resume.user_id)
        try:
            return resume_rules.parse_resume_json(reply), model
        except resume_rules.InvalidResume as exc:
            problem = str(exc)
            logger.info("Resume %s: invalid LLM output (%s)", resume.pk, problem)
            messages = resume_rules.build_retry_messages(messages, reply, problem)
    raise ResumeParseFailed(
        f"The AI model's answer was not valid twice in a row ({problem}). Press Retry to try again."
    )


def _complete(provider: LLMProvider, messages: list[dict[str, str]], *, owner_id: int) -> tuple[str, str]:
    """One JSON completion, its usage recorded; an upstream failure becomes ResumeParseFailed."""
    try:
        text, usage, model = async_to_sync(provider.complete_json)(
            messages,
            schema=resume_rules.RESUME_PARSE_SCHEMA,
            purpose=REQUEST_TYPE,
            max_tokens=int(settings.LLM_MAX_TOKENS_RESUME_PARSING),
        )
    except LLMError as exc:
        # The upstream's own words go to the log only: the owner gets a plain reason.
        logger.warning("Resume parsing LLM call for user %s failed: %s", owner_id, exc)
        raise ResumeParseFailed(f"The AI service failed ({exc.reason}). Press Retry to try again.") from exc
    usage_record(user_id=owner_id, usage=usage, model=model, request_type=REQUEST_TYPE)
    return text, model
