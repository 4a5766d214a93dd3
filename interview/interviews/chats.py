"""Creating and deleting interviews (Chat): resolve documents and templates, then fix the key questions."""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, cast

from asgiref.sync import async_to_sync
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction

from interview.accounts.consent import DECLINED, NOT_NEEDED, consent_check, consent_state
from interview.core.errors import ErrorCode, ServiceError
from interview.documents.fit_selectors import pair_fit, template_recommend_for_pair
from interview.documents.selectors import resume_prompt_text
from interview.interviews.accommodation import STANDARD, multiplier_parse
from interview.interviews.transcript import validate_key_questions
from interview.llm import LLMError, Usage, get_provider
from interview.models import Chat, InterviewTemplate, InvitedInterview, UploadedJobListing, UploadedResume
from interview.models.templates import FOLLOW_UPS_DEFAULT, FOLLOW_UPS_MAX, FOLLOW_UPS_MIN
from interview.setup.assembly import (
    DOCUMENT_MAX_CHARS,
    KEY_QUESTIONS_SCHEMA,
    MAX_PROPOSED,
    MIN_PROPOSED,
    InvalidProposal,
    KeyQuestion,
    ShortageError,
    build_key_question_messages,
    correction_messages,
    parse_proposed_questions,
)
from interview.setup.interview_templates import template_key_questions
from interview.setup.key_questions import key_questions_from_banks
from interview.setup.rubrics import rubric_for_chat
from interview.setup.selectors import job_listings_for, resumes_for
from interview.usage.quotas import OFFLINE, daily_check, new_interview_policy
from interview.usage.services import usage_record

logger = logging.getLogger(__name__)

KEY_QUESTIONS_REQUEST_TYPE = "key_questions"
LLM_ATTEMPTS = 2  # the first answer, and one retry after invalid JSON
TITLE_MAX_LENGTH = cast(int, Chat._meta.get_field("title").max_length)
TYPES = {code for code, _ in Chat.INTERVIEW_TYPE_CHOICES}


class NotFoundError(ServiceError):
    """An id that names nothing the user may use (someone else's document or template): a 404 to the caller."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(ErrorCode.NOT_FOUND, message)
        self.field = field


class ChatDeleteRefused(ServiceError):
    """An interview that must outlive the candidate's wish to delete it (it belongs to an invitation): a 403."""

    def __init__(self, message: str) -> None:
        super().__init__(ErrorCode.INVITED_INTERVIEW, message)


INVITED_DELETE_MESSAGE = (
    "This interview belongs to an invitation, so it cannot be deleted: its transcript, report and the "
    "interviewer's notes are kept for the interviewer who invited you."
)


@dataclass(frozen=True)
class LLMCall:
    """One key-question request to the model, to be written to the token ledger."""

    usage: Usage
    model: str


def chat_create(
    *,
    user: Any,
    title: str,
    type: str,
    difficulty: int,
    resume_id: int | None = None,
    job_listing_id: int | None = None,
    template_id: int | None = None,
    template_chooser: Any = None,
    seed: int | None = None,
    max_follow_ups: int | None = None,
    time_multiplier: Decimal | str | int | float | None = None,
) -> Chat:
    """Create a not-started interview with its key questions and follow-up policy fixed; nothing is saved when any
    input is refused.

    `template_chooser` (for invitations) is the user whose templates may be used instead of `user`'s own. A chat
    from a chosen template always takes the template's `max_follow_ups` (a different explicit value is refused);
    otherwise the explicit value, else a recommended template's, else the default of 1. The chat copies the rubric
    of the template its questions come from (chosen or recommended), else the default rubric. `time_multiplier`
    (1, 1.25, 1.5 or 2; default 1) multiplies every time limit once the interview starts (an accommodation).
    """
    title = _validated(title, type, difficulty, max_follow_ups)
    multiplier = _multiplier(time_multiplier)
    resume = _resolve(resumes_for(user), resume_id, "resume", "No such resume.")
    job_listing = _resolve(job_listings_for(user), job_listing_id, "job_listing", "No such job listing.")
    templates = InterviewTemplate.objects.visible_to(template_chooser or user)
    template = _resolve(templates, template_id, "template", "No such template.")
    if template is not None:
        _check_policy(template, max_follow_ups)
    # Sending a resume or a listing to the model needs consent; a declining user's questions come from the banks.
    consent = consent_check(user) if (resume or job_listing) else consent_state(user)
    use_model = consent != DECLINED
    if consent not in (DECLINED, NOT_NEEDED) and template_chooser is None:
        use_model = _budget_allows(user)  # an invitation's chat is charged to, and checked for, its interviewer
    calls: list[LLMCall] = []
    policy_from, key_questions = _key_questions(
        calls,
        user=user,
        type=type,
        difficulty=difficulty,
        resume=resume,
        job_listing=job_listing,
        template=template,
        seed=secrets.randbits(32) if seed is None else seed,
        use_model=use_model,
    )
    chat = Chat(
        user=user,
        title=title,
        type=type,
        difficulty=difficulty,
        resume=resume,
        job_listing=job_listing,
        key_questions=validate_key_questions(key_questions),
        max_follow_ups=max_follow_ups if max_follow_ups is not None else follow_up_policy_for(policy_from),
        # A copy of the rubric of the template the questions come from (else the default): editing the template
        # later never changes how this interview is scored.
        rubric=rubric_for_chat(policy_from),
        time_multiplier=multiplier,
    )
    with transaction.atomic():
        chat.save()
        _record_usage(user, chat, calls)
    return chat


def _budget_allows(user: Any) -> bool:
    """Whether the model may prepare a practice interview's questions: refused (QuotaExceeded) when the user's
    daily budget is used up or the monthly cap refuses; False (the banks) when the cap hands it to the offline
    interviewer."""
    if new_interview_policy() == OFFLINE:
        return False
    daily_check(user, what="A new interview")
    return True


def chat_delete(*, user: Any, chat_id: int) -> None:
    """Delete one of the user's own practice interviews (with its report); other users' chats are not found.

    An interview that belongs to an invitation is refused (ChatDeleteRefused) and nothing is deleted.
    """
    with transaction.atomic():
        chat = Chat.objects.select_for_update().filter(pk=chat_id, user=user).only("pk").first()
        if chat is None:
            raise NotFoundError("chat", "No such interview.")
        if InvitedInterview.objects.filter(chat_id=chat.pk).exists():
            raise ChatDeleteRefused(INVITED_DELETE_MESSAGE)
        chat.delete()


def follow_up_policy_for(template: InterviewTemplate | None) -> int:
    """The follow-up policy (max_follow_ups) a chat takes from its template, or the default without one."""
    return template.max_follow_ups if template is not None else FOLLOW_UPS_DEFAULT


def _check_policy(template: InterviewTemplate, requested: int | None) -> None:
    """Refuse an explicit policy that contradicts the chosen template's: every candidate of a template gets the same."""
    if requested is not None and requested != template.max_follow_ups:
        raise ValidationError(
            {
                "max_follow_ups": (
                    f'The template "{template.name}" allows {template.max_follow_ups} follow-up question(s) per key '
                    f"question, the same for every candidate; leave max_follow_ups out or send "
                    f"{template.max_follow_ups}."
                )
            }
        )


def _key_questions(
    calls: list[LLMCall],
    *,
    user: Any,
    type: str,
    difficulty: int,
    resume: UploadedResume | None,
    job_listing: UploadedJobListing | None,
    template: InterviewTemplate | None,
    seed: int,
    use_model: bool = True,
) -> tuple[InterviewTemplate | None, list[KeyQuestion]]:
    """The key questions and the template they come from: the chosen one, the listing's recommended one, else none
    (the model's proposal, or the banks)."""
    if template is not None:
        return template, _from_template(template, seed)
    if job_listing is not None and (recommended := _from_recommended(user, job_listing, seed, resume)) is not None:
        return recommended
    proposed = (
        _from_llm(calls, type=type, difficulty=difficulty, resume=resume, job_listing=job_listing)
        if use_model
        else None
    )
    if proposed is not None:
        return None, proposed
    return None, key_questions_from_banks(user_id=user.pk, interview_type=type, difficulty=difficulty, seed=seed)


def _validated(title: str, type: str, difficulty: int, max_follow_ups: int | None = None) -> str:
    """Return the trimmed title, or raise one ValidationError listing every refused field."""
    errors: dict[str, str] = {}
    title = (title or "").strip()
    if not title:
        errors["title"] = "Give the interview a title."
    elif len(title) > TITLE_MAX_LENGTH:
        errors["title"] = f"The title can have at most {TITLE_MAX_LENGTH} characters (it has {len(title)})."
    if type not in TYPES:
        errors["type"] = f"Choose one of the interview types {', '.join(sorted(TYPES))}."
    if isinstance(difficulty, bool) or not isinstance(difficulty, int) or not 1 <= difficulty <= 10:
        errors["difficulty"] = "The difficulty is a whole number from 1 to 10."
    if max_follow_ups is not None and (
        isinstance(max_follow_ups, bool)
        or not isinstance(max_follow_ups, int)
        or not FOLLOW_UPS_MIN <= max_follow_ups <= FOLLOW_UPS_MAX
    ):
        errors["max_follow_ups"] = (
            f"The follow-up questions per key question are a whole number from {FOLLOW_UPS_MIN} to {FOLLOW_UPS_MAX}."
        )
    if errors:
        raise ValidationError(errors)
    return title


def _multiplier(value: Decimal | str | int | float | None) -> Decimal:
    """The time multiplier asked for (the standard 1 when absent), or a ValidationError naming the field."""
    if value is None:
        return STANDARD
    try:
        return multiplier_parse(value)
    except ValueError as exc:
        raise ValidationError({"time_multiplier": str(exc)}) from exc


def _resolve(visible: models.QuerySet[Any], pk: int | None, field: str, message: str) -> Any:
    if pk is None:
        return None
    found = visible.filter(pk=pk).first()
    if found is None:
        raise NotFoundError(field, message)
    return found


def _from_template(template: InterviewTemplate, seed: int) -> list[KeyQuestion]:
    try:
        return template_key_questions(template, seed=seed)
    except ShortageError as exc:
        raise ValidationError({"template": f'The template "{template.name}" cannot be used. {exc}'}) from exc


def _from_recommended(
    user: Any, job_listing: UploadedJobListing, seed: int, resume: UploadedResume | None = None
) -> tuple[InterviewTemplate, list[KeyQuestion]] | None:
    """The job listing's recommended template and its key questions, if the user may use it and its banks can fill it.

    With a parsed resume missing some of the listing's skills, the recommendation is made again for the pair:
    among templates equal on seniority and skill overlap, the one probing the missing skills wins.
    """
    template_id = _recommended_id(user, job_listing, resume)
    if template_id is None:
        return None
    template = InterviewTemplate.objects.visible_to(user).filter(pk=template_id).first()
    if template is None:
        return None
    try:
        return template, template_key_questions(template, seed=seed)
    except ShortageError as exc:
        # The candidate did not choose this template and cannot fix its banks: fall back, but say why.
        logger.warning("Recommended template %s not used for job listing %s: %s", template.pk, job_listing.pk, exc)
        return None


def _recommended_id(user: Any, job_listing: UploadedJobListing, resume: UploadedResume | None) -> int | None:
    if job_listing.recommended_template_id is None or resume is None:
        return job_listing.recommended_template_id
    fit = pair_fit(resume=resume, listing=job_listing)
    if fit.summary is None or not fit.summary.missing:
        return job_listing.recommended_template_id
    return template_recommend_for_pair(user=user, fit=fit) or job_listing.recommended_template_id


def _from_llm(
    calls: list[LLMCall],
    *,
    type: str,
    difficulty: int,
    resume: UploadedResume | None,
    job_listing: UploadedJobListing | None,
) -> list[KeyQuestion] | None:
    """Ask the model for key questions (one retry after an invalid reply); None means use the banks."""
    provider = get_provider()
    if provider.is_offline:
        return None
    count = min(max(int(settings.DEFAULT_KEY_QUESTION_COUNT), MIN_PROPOSED), MAX_PROPOSED)
    messages = build_key_question_messages(
        interview_type=type,
        difficulty=difficulty,
        count=count,
        resume_text=resume_prompt_text(resume, limit=DOCUMENT_MAX_CHARS),
        job_text=job_listing.content if job_listing else "",
    )
    for attempt in range(1, LLM_ATTEMPTS + 1):
        try:
            text, usage, model = async_to_sync(provider.complete_json)(
                messages, schema=KEY_QUESTIONS_SCHEMA, purpose=KEY_QUESTIONS_REQUEST_TYPE
            )
        except LLMError as exc:
            logger.warning("Key questions from the LLM failed (%s); using the question banks", exc)
            return None
        calls.append(LLMCall(usage=usage, model=model))
        try:
            return parse_proposed_questions(text)
        except InvalidProposal as exc:
            logger.warning("Invalid key questions from the LLM (attempt %d): %s", attempt, exc)
            messages = correction_messages(messages, text, str(exc))
    return None


def _record_usage(user: Any, chat: Chat, calls: list[LLMCall]) -> None:
    for call in calls:
        usage_record(
            user_id=user.pk, chat=chat, usage=call.usage, model=call.model, request_type=KEY_QUESTIONS_REQUEST_TYPE
        )
