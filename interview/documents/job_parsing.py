"""Background parsing of job listings: the django-tasks task, LLM parsing with one retry, offline rules, the recommendation.

Life of a listing: created `pending` (the task is enqueued when the creating transaction commits),
claimed `in_progress` by the task with a conditional update, then finished `success` or `error`
with `parsed_at` set. While in progress, `parsed_at` holds the claim time: it is the lease that
lets a finishing task tell its own claim from a later one.

Recovery: a worker that dies mid-task (killed, out of memory, machine lost) leaves the row
`in_progress`. Every task run, every new enqueue and `manage.py job_listings_recover` (cron-able)
mark such rows older than `JOB_PARSE_STALE_MINUTES` (15) as `error` with a message; the owner can
then press Retry (`job_listing_reparse`). The claim, the lease and the recovery are interview/core/jobs.py's.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from asgiref.sync import async_to_sync
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django_tasks import task

from interview.accounts.consent import AGREED, DECLINED_PARSING_REASON, consent_state_of, llm_provider
from interview.core.errors import ErrorCode, ServiceError
from interview.core.jobs import RowJob
from interview.documents import job_rules
from interview.documents.recommend import TemplateCandidate, recommend_template
from interview.llm import LLMError, get_provider
from interview.llm.base import LLMProvider, Usage
from interview.models import InterviewTemplate, UploadedJobListing, UserProfile
from interview.usage.quotas import QuotaExceeded, work_check
from interview.usage.services import usage_record

logger = logging.getLogger(__name__)

REQUEST_TYPE = "job_parse"
DEFAULT_STALE_MINUTES = 15
INTERRUPTED_MESSAGE = (
    "Parsing was interrupted (the background worker stopped before finishing). Press Retry to parse again."
)
UNEXPECTED_MESSAGE = "Parsing failed unexpectedly. Press Retry to try again; if it fails again, contact support."
QUEUE_FAILED_MESSAGE = "Parsing could not be queued. Press Retry to try again."
# How a listing waiting for an AI budget starts its parsing_error (the settle loop queues it again once there is one).
QUOTA_PARSING_PREFIX = "Not parsed yet:"

Listing = UploadedJobListing


class JobParseFailed(Exception):
    """Parsing gave up; the message is stored in `parsing_error` for the owner to read."""


def stale_after() -> timedelta:
    """How long a claim may stay in progress before it counts as abandoned."""
    return timedelta(minutes=float(settings.JOB_PARSE_STALE_MINUTES))


JOB = RowJob(
    model=Listing,
    key="pk",
    status_field="parsing_status",
    lease_field="parsed_at",
    error_field="parsing_error",
    pending=Listing.PENDING,
    running=Listing.IN_PROGRESS,
    failed=Listing.ERROR,
    stale_after=stale_after,
    interrupted_message=INTERRUPTED_MESSAGE,
    queue_failed_message=QUEUE_FAILED_MESSAGE,
    label="job listing parse",
)


@task()
def job_listing_parse_task(listing_id: int) -> str:
    """Run in the worker for each enqueued listing: recover abandoned claims, then parse this one."""
    job_listings_recover_stale()
    return job_listing_parse(listing_id=listing_id)


def job_listing_enqueue(*, listing_id: int) -> None:
    """Queue parsing of a listing (call after commit); a queue failure marks the listing as errored."""
    JOB.enqueue(job_listing_parse_task, listing_id)


def job_listing_reparse(*, listing: UploadedJobListing) -> None:
    """Send a finished listing (success or error) back to pending and queue it again once committed; refused
    (QuotaExceeded) while the owner's daily budget or the monthly cap is used up and a model would parse it."""
    if llm_provider() is not None:
        work_check(listing.user, what="Parsing this job listing")
    with transaction.atomic():
        updated = Listing.objects.filter(pk=listing.pk, parsing_status__in=[Listing.SUCCESS, Listing.ERROR]).update(
            parsing_status=Listing.PENDING, parsing_error="", parsed_at=None
        )
        if not updated:
            raise ServiceError(ErrorCode.PARSING_BUSY, "This job listing is already waiting to be parsed.")
        transaction.on_commit(lambda: job_listing_enqueue(listing_id=listing.pk))
    listing.refresh_from_db()


def consent_missing(user_id: int) -> bool:
    """Whether a model is configured and the document's owner has not agreed to send it there."""
    provider = llm_provider()
    return (
        provider is not None
        and consent_state_of(UserProfile.objects.filter(user_id=user_id).first(), provider) != AGREED
    )


def quota_wait_reason(user_id: int) -> str:
    """The reason a document waits ("" when it need not): the owner's daily budget or the monthly cap is used up."""
    owner = get_user_model().objects.filter(pk=user_id).first()
    if owner is None or llm_provider() is None:
        return ""
    try:
        work_check(owner)
    except QuotaExceeded as exc:
        return f"{QUOTA_PARSING_PREFIX} {exc.message} Parsing starts again then."
    return ""


def documents_requeue_after_quota(model: Any, enqueue: Callable[[int], None]) -> int:
    """Queue the documents (listings or resumes) that waited for a budget whose owner has one again (the settle
    loop); return how many."""
    waiting = model.objects.filter(parsing_status=model.PENDING, parsing_error__startswith=QUOTA_PARSING_PREFIX)
    resumed = 0
    for document_id, user_id in list(waiting.values_list("pk", "user_id")):
        if quota_wait_reason(user_id):
            continue
        model.objects.filter(pk=document_id, parsing_status=model.PENDING).update(parsing_error="")
        enqueue(document_id)
        resumed += 1
    return resumed


def job_listings_resume_after_quota() -> int:
    """Queue the listings that waited for a budget whose owner has one again (the settle loop); return how many."""
    return documents_requeue_after_quota(Listing, lambda pk: job_listing_enqueue(listing_id=pk))


def documents_requeue_after_consent(model: Any, enqueue: Callable[[int], None], *, user: Any) -> int:
    """Queue the user's documents (listings or resumes) that waited for consent (after it was given)."""
    waiting = list(
        model.objects.filter(
            user_id=user.pk, parsing_status=model.PENDING, parsing_error=DECLINED_PARSING_REASON
        ).values_list("pk", flat=True)
    )
    model.objects.filter(pk__in=waiting).update(parsing_error="")
    for document_id in waiting:
        enqueue(document_id)
    return len(waiting)


def job_listings_resume_after_consent(*, user: Any) -> int:
    """Queue the user's listings that waited for consent (after it was given); return how many."""
    return documents_requeue_after_consent(Listing, lambda pk: job_listing_enqueue(listing_id=pk), user=user)


def job_listings_recover_stale(*, now: datetime | None = None) -> int:
    """Mark listings stuck in progress past the stale limit as errored; return how many."""
    return JOB.recover_stale(now=now)


def job_listing_parse(*, listing_id: int) -> str:
    """Claim a pending listing, parse it and store the outcome; return the final status (or "skipped").

    A listing whose owner has not agreed to send documents to the configured model stays pending, with the
    reason in `parsing_error`; consenting queues it again (job_listings_resume_after_consent).
    """
    owner_id = Listing.objects.filter(pk=listing_id, parsing_status=Listing.PENDING).values_list("user_id", flat=True)
    if owner_id and consent_missing(owner_id[0]):
        Listing.objects.filter(pk=listing_id, parsing_status=Listing.PENDING).update(
            parsing_error=DECLINED_PARSING_REASON
        )
        return "waiting_for_consent"
    if owner_id and (reason := quota_wait_reason(owner_id[0])):
        Listing.objects.filter(pk=listing_id, parsing_status=Listing.PENDING).update(parsing_error=reason)
        return "waiting_for_quota"
    claimed_at = JOB.claim(listing_id)
    if claimed_at is None:
        return "skipped"  # deleted, or already taken by another run
    listing = Listing.objects.select_related("user").filter(pk=listing_id).first()
    if listing is None:
        return "skipped"  # deleted just after the claim
    try:
        parsed = parse_listing(listing)
        template_id = template_recommend(user=listing.user, parsed=parsed)
    except JobParseFailed as exc:
        return Listing.ERROR if JOB.fail(listing_id, claimed_at, str(exc)) else "skipped"
    except (KeyboardInterrupt, SystemExit):  # the worker is being stopped mid-task
        JOB.fail(listing_id, claimed_at, INTERRUPTED_MESSAGE)
        raise
    except BaseException:
        logger.exception("Parsing job listing %s failed", listing_id)
        JOB.fail(listing_id, claimed_at, UNEXPECTED_MESSAGE)
        raise
    stored = JOB.finish(
        listing_id,
        claimed_at,
        status=Listing.SUCCESS,
        required_skills=parsed.required_skills,
        seniority_level=parsed.seniority_level,
        requirements=parsed.requirements,
        recommended_template_id=template_id,
    )
    return Listing.SUCCESS if stored else "skipped"


def parse_listing(listing: UploadedJobListing) -> job_rules.ParsedJob:
    """Parse with the configured LLM (one retry on invalid output), or with plain rules when offline."""
    provider = get_provider()
    if provider.is_offline:
        return job_rules.parse_job_offline(title=listing.title, content=listing.content)
    messages = job_rules.build_job_parse_messages(title=listing.title, content=listing.content)
    problem = ""
    for _attempt in range(2):
        text, model = _complete(provider, messages, owner_id=listing.user_id)
        try:
            return job_rules.parse_job_json(text, parsed_by=model)
        except job_rules.InvalidJobParse as exc:
            problem = str(exc)
            logger.info("Job listing %s: invalid LLM output (%s)", listing.pk, problem)
            messages = job_rules.build_retry_messages(messages, text, problem)
    raise JobParseFailed(f"The AI model's answer was not valid twice in a row ({problem}). Press Retry to try again.")


def template_recommend(*, user: Any, parsed: job_rules.ParsedJob) -> int | None:
    """Return the id of the visible template best suited to the parsed listing, or None."""
    templates = InterviewTemplate.objects.visible_to(user).prefetch_related("tags")
    candidates = [
        TemplateCandidate(id=t.pk, difficulty=t.difficulty, tags=frozenset(tag.name for tag in t.tags.all()))
        for t in templates
    ]
    return recommend_template(candidates, seniority=parsed.seniority_level, skills=parsed.required_skills)


def _complete(provider: LLMProvider, messages: list[dict[str, str]], *, owner_id: int) -> tuple[str, str]:
    """One JSON completion, its usage recorded; an upstream failure becomes JobParseFailed."""
    try:
        text, usage, model = async_to_sync(provider.complete_json)(
            messages, schema=job_rules.JOB_PARSE_SCHEMA, purpose=REQUEST_TYPE
        )
    except LLMError as exc:
        # The upstream's own words (str(exc)) go to the log only: the listing's owner gets a plain reason.
        logger.warning("Job parsing LLM call for the listing of user %s failed: %s", owner_id, exc)
        raise JobParseFailed(f"The AI service failed ({exc.reason}). Press Retry to try again.") from exc
    _record_usage(owner_id, model, usage)
    return text, model


def _record_usage(owner_id: int, model: str, usage: Usage) -> None:
    usage_record(user_id=owner_id, usage=usage, model=model, request_type=REQUEST_TYPE)
