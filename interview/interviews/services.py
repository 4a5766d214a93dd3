"""Writes of a live interview: start, answers, generated turns, key-question clocks, the end.

Each function is synchronous, runs in one transaction with the chat row locked (concurrent
writers — two tabs, the timer, an observer — queue up instead of overwriting each other), and
returns what the caller must broadcast. Async code reaches them through database_sync_to_async.
"""

from __future__ import annotations

import os
import socket
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction

from interview.accounts.consent import AGREED, DECLINED, NOT_NEEDED, consent_refusal, consent_state_of
from interview.core.errors import ErrorCode, ServiceError
from interview.core.prepared import PreparedGet, PreparedSave, rows_update
from interview.interviews import transcript as s
from interview.interviews.accommodation import follow_up_limit, key_questions_accommodate
from interview.interviews.concurrency import generations_check
from interview.interviews.selectors import (
    FollowUpRequest,
    Prompt,
    chat_prompt_build,
    follow_up_fields,
    follow_up_request_build,
    question_view,
)
from interview.interviews.signals import chat_completed
from interview.llm.base import FOLLOW_UP_PURPOSE, Usage
from interview.llm.offline import OfflineInterviewer
from interview.models import Chat
from interview.setup.key_questions import key_questions_default
from interview.usage.quotas import OFFLINE, daily_check, new_interview_policy, payer_of
from interview.usage.services import usage_record

TURN_REQUEST_TYPE = "interview_turn"
FOLLOW_UP_REQUEST_TYPE = FOLLOW_UP_PURPOSE
INTERRUPTED = "The reply was interrupted (the server stopped). Retry to continue; the time lost was given back."
# Part of every lease owner: which process generates the reply (for operators reading the row).
_HOST = socket.gethostname()[:60]
OFFLINE_MODEL = OfflineInterviewer.model_name
# Chat.offline_reason of an interview the offline interviewer runs because the monthly spending cap was reached.
OFFLINE_REASON_BUDGET = "budget"


def new_message_id() -> str:
    return "m-" + uuid.uuid4().hex[:16]


def _grace() -> timedelta:
    return timedelta(seconds=settings.KEY_QUESTION_GRACE_SECONDS)


def _lease() -> timedelta:
    return timedelta(seconds=settings.GENERATION_LEASE_SECONDS)


def lease_owner(message_id: str) -> str:
    """The owner recorded with a generation's lease: this process and the message it writes."""
    return f"{_HOST}:{os.getpid()}/{message_id}"


# Compiled once per process (interview/core/prepared.py): these reads run on every turn of every live interview.
_CHAT_LOCKED = PreparedGet(Chat, lambda pk: Chat.objects.select_for_update(of=("self",)).filter(pk=pk))
# The profile rides along: its consent decides who may conduct the turn (consent_allows).
_CHAT_LOCKED_FOR_TURN = PreparedGet(
    Chat,
    lambda pk: (
        Chat.objects.select_for_update(of=("self",))
        .select_related("user__profile", "resume", "job_listing", "invitation")
        .filter(pk=pk)
    ),
)
_CHAT_ROW = PreparedSave(Chat)


def _locked_chat(chat_id: int, *, for_turn: bool = False) -> Chat:
    """The chat row, locked; `for_turn` also loads what a new turn's prompt needs (only the chat is locked)."""
    chat = (_CHAT_LOCKED_FOR_TURN if for_turn else _CHAT_LOCKED).get(chat_id)
    if chat is None:
        raise ServiceError(ErrorCode.NOT_FOUND, "This interview no longer exists.")
    return chat


@dataclass
class TurnStart:
    """A new assistant turn to generate (the placeholder is already stored)."""

    chat_id: int
    user_id: int
    message_id: str
    plan: s.TurnPlan
    prompt: Prompt
    created: list[dict[str, Any]] = field(default_factory=list)
    # An orphaned reply this transaction marked failed first (a retry of a turn whose process died).
    recovered: Recovery | None = None
    # Set when the policy leaves the latest answer a follow-up: the generation decides before it streams.
    follow_up: FollowUpRequest | None = None
    # The offline interviewer conducts this chat (the user declined to send their answers to the model).
    offline: bool = False


@dataclass(frozen=True)
class FollowUpOutcome:
    """What a generation decided on a follow-up: the question asked ("" for none), the decision call's
    usage and model, and why it fell back to none (empty unless the model's decision was unusable)."""

    question: str = ""
    source: str = s.SOURCE_AI
    usage: Usage | None = None
    model: str = ""
    fallback: str = ""


@dataclass
class ProbeDelivery:
    """An observer's probe asked now: the pending probe it was, its stored message, and its question view."""

    probe: dict[str, Any]
    message: dict[str, Any]
    question: dict[str, Any]


@dataclass
class SubmitResult:
    user_message: dict[str, Any]
    duplicate: bool
    turn: TurnStart | None
    # An observer's probe asked instead of the next turn (it was waiting for this answer).
    probe: ProbeDelivery | None = None


@dataclass
class FinishResult:
    question_started: dict[str, Any] | None
    completed: bool
    window_closed: bool = False  # the interview's time window passed while the reply was written
    gone: bool = False  # the chat was deleted while the reply was written
    superseded: bool = False  # the reply was marked failed meanwhile (its lease had expired)
    probe: ProbeDelivery | None = None  # an observer's probe asked once the reply ended


@dataclass
class ExpireResult:
    index: int
    turn: TurnStart | None
    completed: bool
    # The follow-up that expired (its frame fields), None when the key question itself did.
    follow_up: dict[str, Any] | None = None


@dataclass
class Recovery:
    """An orphaned reply marked failed, and the time given back to the interview for it."""

    message_id: str | None
    length: int
    error: str
    lost_seconds: float
    # The running question whose deadline moved: index and new deadline (and a follow-up's fields).
    question: dict[str, Any] | None = None


def _add_turn(chat: Chat, plan: s.TurnPlan, now: datetime) -> TurnStart:
    placeholder = s.assistant_placeholder(message_id=new_message_id(), plan=plan, now=now)
    chat.messages.append(placeholder)
    # The process that stores the turn generates it: it takes the lease in the same write.
    chat.generation_lease_until = now + _lease()
    chat.generation_lease_owner = lease_owner(placeholder["id"])
    # Built here, from the row this transaction already holds, rather than read again by the
    # generation: everything the prompt uses (the messages before the placeholder, the questions'
    # text, the resume and job listing) is settled once the placeholder is appended.
    return TurnStart(
        chat_id=chat.pk,
        user_id=chat.user_id,
        message_id=placeholder["id"],
        plan=plan,
        prompt=chat_prompt_build(chat, placeholder["id"]),
        created=[placeholder],
        follow_up=follow_up_request_build(chat, plan.follow_up_of) if plan.follow_up_of is not None else None,
        # A turn of a chat whose user withdrew consent since it started (a clock, a probe) goes to no model.
        offline=chat.is_offline or not _model_allowed(chat),
    )


def interviewer_allowed(chat: Chat, model_name: str) -> str:
    """Who may conduct the chat's turns given its user's consent (read with the locked row): the configured model,
    the offline interviewer (a practice chat of a user who declined), else a consent_required refusal.

    An invited interview is never switched to the offline interviewer: the hiring team compares candidates
    interviewed and scored by the same model, so its candidate must agree first (docs/operations.md "Consent").
    """
    if chat.is_offline or model_name == OFFLINE_MODEL:
        return model_name
    state = consent_state_of(getattr(chat.user, "profile", None))
    if state in (AGREED, NOT_NEEDED):
        return model_name
    if state == DECLINED and getattr(chat, "invitation", None) is None and chat.status == Chat.NOT_STARTED:
        return OFFLINE_MODEL
    raise consent_refusal()


def budget_allowed(chat: Chat, model_name: str, now: datetime) -> str:
    """Once per interview, at its start (never per turn): the monthly cap may hand it to the offline interviewer
    (LLM_BUDGET_EXCEEDED=offline, recorded in `offline_reason`) or refuse it; else the payer's daily budget
    (the inviting interviewer's for an invited interview) must not be used up (QuotaExceeded)."""
    if new_interview_policy(now=now) == OFFLINE:
        chat.offline_reason = OFFLINE_REASON_BUDGET
        return OFFLINE_MODEL
    payer = payer_of(chat)
    whose = "The" if payer.pk == chat.user_id else "The inviting interviewer's"
    daily_check(payer, now=now, what="This interview", whose=whose)
    return model_name


def _model_allowed(chat: Chat) -> bool:
    return consent_state_of(getattr(chat.user, "profile", None)) in (AGREED, NOT_NEEDED)


def _ensure_not_busy(chat: Chat) -> None:
    if s.streaming_message(chat.messages) is not None:
        raise ServiceError(ErrorCode.BUSY, "The interviewer is still replying. Wait for it to finish, or stop it.")


def interview_start(*, chat_id: int, now: datetime, model_name: str) -> TurnStart | None:
    """Begin the interview with a greeting and the first key question; None if already begun."""
    with transaction.atomic():
        chat = _locked_chat(chat_id, for_turn=True)
        if chat.status == Chat.COMPLETED:
            raise ServiceError(ErrorCode.COMPLETED, "This interview has finished.")
        if chat.status == Chat.IN_PROGRESS:
            return None
        generations_check(chat, now=now, then="Then start this interview again.")
        if not chat.key_questions:
            chat.key_questions = key_questions_default(chat)
        for question in chat.key_questions:
            question.setdefault("status", s.Q_PENDING)
        # Every clock of the interview runs from these limits: the accommodation applies once, here.
        key_questions_accommodate(chat.key_questions, chat.time_multiplier)
        model_name = interviewer_allowed(chat, model_name)
        if model_name != OFFLINE_MODEL:
            model_name = budget_allowed(chat, model_name, now)
        chat.status = Chat.IN_PROGRESS
        chat.started_at = now
        chat.interviewer_model = model_name
        turn = _add_turn(chat, s.plan_opening(chat.key_questions), now)
        _CHAT_ROW.save(chat)
        return turn


def answer_submit(*, chat_id: int, client_id: str, content: str, now: datetime) -> SubmitResult:
    """Store a candidate's answer and the assistant turn it calls for, exactly once per client id.

    Refused before anything is stored (the client keeps the text) while the user's other interviews have
    MAX_CONCURRENT_GENERATIONS_PER_USER replies being written, unless an observer's probe answers instead.
    """
    with transaction.atomic():
        chat = _locked_chat(chat_id, for_turn=True)
        existing = s.find_by_client_id(chat.messages, client_id)
        if existing is not None:
            return SubmitResult(user_message=existing, duplicate=True, turn=None)
        if chat.status == Chat.NOT_STARTED:
            raise ServiceError(ErrorCode.NOT_STARTED, "Start the interview before answering.")
        if chat.status == Chat.COMPLETED:
            raise ServiceError(ErrorCode.COMPLETED, "This interview has finished; no more answers are accepted.")
        if chat.paused_at is not None:
            raise ServiceError(
                ErrorCode.PAUSED,
                "The hiring team paused the interview; your answer was not recorded. Send it again once it resumes.",
            )
        if _window_closed(chat, now):
            raise ServiceError(
                ErrorCode.TIME_EXPIRED, "The interview's time window has closed; your answer was not recorded."
            )
        interviewer_allowed(chat, chat.interviewer_model)  # consent withdrawn since the start: refused
        _ensure_not_busy(chat)

        index = chat.current_question_index
        follow_up = chat.current_follow_up
        answer_seconds: float | None = None
        # The question whose clock runs: a follow-up of the current key question, or the key question itself.
        question = s.running_question(chat.key_questions, index, follow_up)
        if question is not None and question.get("status") == s.Q_ASKED:
            window = s.answer_window(chat.question_deadline, now, _grace())
            if window == "closed":
                raise ServiceError(
                    ErrorCode.TIME_EXPIRED, "Time ran out for this question; your answer was not recorded."
                )
            started = chat.question_started_at or now
            answer_seconds = round((now - started).total_seconds(), 1)
        elif chat.key_questions:
            raise ServiceError(ErrorCode.INVALID, "There is no open question to answer right now.")

        message = s.user_message(
            message_id=new_message_id(),
            client_id=client_id,
            content=content,
            now=now,
            question_index=index if question is not None else None,
            answer_seconds=answer_seconds,
            follow_up=follow_up if question is not None else None,
        )
        chat.messages.append(message)
        if question is not None:
            question.update(
                status=s.Q_ANSWERED,
                answered_at=s.iso(now),
                answer_message_id=message["id"],
                answer_seconds=answer_seconds,
            )
            chat.question_deadline = None
            chat.current_follow_up = None
        # An observer's probe waiting for this answer is asked now, verbatim, instead of the next turn.
        probe = probe_deliver(chat, now) if question is not None else None
        turn = None
        if probe is None:
            # Raised before the save: the transaction stores nothing of this answer.
            generations_check(chat, now=now, then="Your answer was not recorded; send it again then.")
            plan = s.plan_after(
                chat.key_questions, index if question is not None else None, max_follow_ups=chat.max_follow_ups
            )
            turn = _add_turn(chat, plan, now)
        _CHAT_ROW.save(chat)
        return SubmitResult(user_message=message, duplicate=False, turn=turn, probe=probe)


@dataclass(frozen=True)
class PartialSave:
    """The text a streaming generation has so far, to be saved with others (generation_save_partials)."""

    chat_id: int
    message_id: str
    text: str


def generation_save_partials(saves: list[PartialSave], *, now: datetime) -> list[bool]:
    """`generation_save_partial` for several generations at once: one transaction, one locking read, one UPDATE.

    Returns, per save in order, whether its generation still owns its message (False: it should stop).
    The rows are locked in id order, so two processes saving overlapping batches never deadlock.
    """
    with transaction.atomic():
        ids = sorted({save.chat_id for save in saves})
        rows = Chat.objects.select_for_update().only("messages", "generation_lease_owner").filter(pk__in=ids)
        chats = {chat.pk: chat for chat in rows.order_by("pk")}
        owned: list[bool] = []
        changed: dict[int, Chat] = {}
        for save in saves:
            chat = chats.get(save.chat_id)
            message = s.find_message(chat.messages, save.message_id) if chat is not None else None
            if (
                chat is None
                or chat.generation_lease_owner != lease_owner(save.message_id)
                or message is None
                or message.get("status") != s.STREAMING
            ):
                owned.append(False)
                continue
            owned.append(True)
            if len(save.text) < len(message.get("content", "")):
                continue
            message["content"] = save.text
            message["updated_at"] = s.iso(now)
            changed[chat.pk] = chat
        if changed:
            rows_update(
                Chat,
                field="messages",
                values={pk: chat.messages for pk, chat in changed.items()},
                common={"updated_at": now, "generation_lease_until": now + _lease()},
            )
        return owned


def generation_save_partial(*, chat_id: int, message_id: str, text: str, now: datetime) -> bool:
    """Save the text streamed so far and renew the generation's lease; only ever grows a still-streaming message.

    Returns False once the generation no longer owns the message (the chat was deleted, or the
    reply was taken over as orphaned): the generation should stop. One save of `generation_save_partials`.
    """
    return generation_save_partials([PartialSave(chat_id=chat_id, message_id=message_id, text=text)], now=now)[0]


def generation_lease_renew(*, chat_id: int, message_id: str, now: datetime) -> bool:
    """Renew a generation's lease when no partial save did lately; False if it is no longer its own."""
    owned = Chat.objects.filter(pk=chat_id, generation_lease_owner=lease_owner(message_id))
    return owned.update(generation_lease_until=now + _lease()) == 1


def generation_finish(
    *,
    chat_id: int,
    message_id: str,
    text: str,
    status: str,
    usage: Usage | None,
    model: str,
    now: datetime,
    error: str = "",
    follow_up: FollowUpOutcome | None = None,
) -> FinishResult:
    """Store a turn's final text and status, start the clock of the question it delivered, log usage.

    With a `follow_up` question the turn delivered that follow-up (checked against the policy again
    here): its clock starts instead of the planned key question's, which waits for the next turn.
    Writes nothing when the chat was deleted (`gone`) or the reply is no longer streaming (taken
    over as orphaned: `superseded`), so a late finish never resurrects or overwrites anything.
    """
    with transaction.atomic():
        chat = _CHAT_LOCKED.get(chat_id)
        if chat is None:
            return FinishResult(question_started=None, completed=False, gone=True)
        message = s.find_message(chat.messages, message_id)
        if message is None or message.get("status") != s.STREAMING:
            closed = chat.status == Chat.IN_PROGRESS and _window_closed(chat, now)
            return FinishResult(question_started=None, completed=False, window_closed=closed, superseded=True)
        message.update(content=text, status=status, updated_at=s.iso(now), model=model)
        chat.generation_lease_until = None
        chat.generation_lease_owner = ""
        if error:
            message["error"] = error
        plan = s.TurnPlan.from_dict(message.get("turn", {}))
        question_started = None
        completed = False
        asked = follow_up is not None and bool(follow_up.question) and _follow_up_fits(chat, plan, status)
        if follow_up is not None and follow_up.fallback and plan.follow_up_of is not None:
            chat.key_questions[plan.follow_up_of]["follow_up_fallback"] = True
        if asked:
            assert follow_up is not None and plan.follow_up_of is not None
            question_started = _follow_up_clock_start(chat, plan.follow_up_of, follow_up, now)
            message.update(
                kind="follow_up", question_index=plan.follow_up_of, follow_up=question_started["follow_up"],
                source=follow_up.source, asked_by=None,
            )  # fmt: skip
        elif status != s.ERROR and plan.question_index is not None and chat.status == Chat.IN_PROGRESS:
            question_started = _question_clock_start(chat, plan.question_index, now)
        # A reply that starts no clock leaves the candidate idle: a waiting probe is asked now (before a closing).
        probe = probe_deliver(chat, now) if question_started is None else None
        if probe is not None:
            question_started = probe.question
        elif plan.kind == "closing" and not asked and chat.status != Chat.COMPLETED:
            _complete(chat, now)
            completed = True
        _CHAT_ROW.save(chat)
        if usage is not None:
            usage_record(user_id=chat.user_id, chat=chat, usage=usage, model=model, request_type=TURN_REQUEST_TYPE)
        if follow_up is not None and follow_up.usage is not None:
            usage_record(
                user_id=chat.user_id,
                chat=chat,
                usage=follow_up.usage,
                model=follow_up.model or model,
                request_type=FOLLOW_UP_REQUEST_TYPE,
            )
        return FinishResult(
            question_started=question_started,
            completed=completed,
            window_closed=chat.status == Chat.IN_PROGRESS and _window_closed(chat, now),
            probe=probe,
        )


def _question_clock_start(chat: Chat, index: int, now: datetime) -> dict[str, Any]:
    question = chat.key_questions[index]
    deadline = now + timedelta(seconds=question["time_limit"])
    question.update(status=s.Q_ASKED, asked_at=s.iso(now), deadline=s.iso(deadline))
    chat.current_question_index = index
    chat.current_follow_up = None
    chat.question_started_at = now
    chat.question_deadline = deadline
    view = question_view(chat, index, None, deadline)
    assert view is not None
    return view


def _follow_up_fits(chat: Chat, plan: s.TurnPlan, status: str) -> bool:
    """Whether a decided follow-up may still be asked: the policy, checked again on the locked row."""
    return (
        status != s.ERROR
        and chat.status == Chat.IN_PROGRESS
        and plan.follow_up_of is not None
        and s.follow_up_allowed(chat.key_questions, plan.follow_up_of, chat.max_follow_ups)
    )


def _follow_up_clock_start(chat: Chat, index: int, follow_up: FollowUpOutcome, now: datetime) -> dict[str, Any]:
    """Record follow-up of key question `index` as asked and start its own clock."""
    key = chat.key_questions[index]
    limit = follow_up_limit(key, settings.FOLLOW_UP_TIME_LIMIT_RATIO, chat.time_multiplier)
    item = s.follow_up_add(
        key, text=follow_up.question, source=follow_up.source, asked_by=None, time_limit=limit, now=now
    )
    deadline = now + timedelta(seconds=limit)
    chat.current_question_index = index
    chat.current_follow_up = item["number"]
    chat.question_started_at = now
    chat.question_deadline = deadline
    view = question_view(chat, index, item["number"], deadline)
    assert view is not None
    return view


def probe_deliver(chat: Chat, now: datetime) -> ProbeDelivery | None:
    """On the locked row: ask the oldest pending probe now, verbatim, as a follow-up of the current key question.

    Its message is stored complete (no model call) and its clock starts (the follow-up time limit rule).
    """
    index = chat.current_question_index
    if not chat.probes or chat.status != Chat.IN_PROGRESS or index is None or _window_closed(chat, now):
        return None
    probe = chat.probes.pop(0)
    key = chat.key_questions[index]
    limit = follow_up_limit(key, settings.FOLLOW_UP_TIME_LIMIT_RATIO, chat.time_multiplier)
    item = s.follow_up_add(
        key, text=probe["content"], source=s.SOURCE_OBSERVER, asked_by=probe["by_name"], time_limit=limit, now=now
    )
    item["probe_id"] = probe["id"]
    message = s.probe_message(
        message_id=new_message_id(), text=probe["content"], index=index, number=item["number"],
        asked_by=probe["by_name"], now=now,
    )  # fmt: skip
    chat.messages.append(message)
    chat.current_question_index = index
    chat.current_follow_up = item["number"]
    chat.question_started_at = now
    chat.question_deadline = now + timedelta(seconds=limit)
    view = question_view(chat, index, item["number"], chat.question_deadline)
    assert view is not None
    return ProbeDelivery(probe=probe, message=message, question=view)


def _running(chat: Chat) -> dict[str, Any] | None:
    """The stored dict of the question whose clock runs (a follow-up or a key question), if any."""
    return s.running_question(chat.key_questions, chat.current_question_index, chat.current_follow_up)


def _running_fields(chat: Chat, index: int) -> dict[str, Any]:
    """The follow-up fields of the running question for frames ({} for a key question)."""
    item = s.follow_up_get(chat.key_questions[index], chat.current_follow_up) if chat.current_follow_up else None
    return follow_up_fields(index, item) if item is not None else {}


def _complete(chat: Chat, now: datetime, reason: str = "finished") -> None:
    if chat.paused_at is not None:  # ending an interview ends its pause
        s.pause_end(chat.pauses, started=chat.paused_at, now=now, auto=False)
        chat.paused_at = None
    chat.status = Chat.COMPLETED
    chat.completed_at = now
    chat.question_deadline = None
    chat_id = chat.pk
    transaction.on_commit(lambda: chat_completed.send(sender=Chat, chat_id=chat_id, reason=reason))


def _window_closed(chat: Chat, now: datetime) -> bool:
    return chat.ends_at is not None and now > chat.ends_at + _grace()


def generation_retry(*, chat_id: int, now: datetime) -> TurnStart:
    """Repeat the latest turn that failed upstream, as a new assistant message."""
    with transaction.atomic():
        chat = _locked_chat(chat_id, for_turn=True)
        if chat.status == Chat.COMPLETED:
            raise ServiceError(ErrorCode.COMPLETED, "This interview has finished.")
        interviewer_allowed(chat, chat.interviewer_model)
        recovered = _orphan_recover(chat, now)  # a reply whose process died is failed, not busy
        _ensure_not_busy(chat)
        failed = s.last_failed_turn(chat.messages)
        if failed is None:
            raise ServiceError(ErrorCode.NOTHING_TO_RETRY, "There is no failed reply to retry.")
        turn = _add_turn(chat, s.TurnPlan.from_dict(failed.get("turn", {})), now)
        turn.recovered = recovered
        _CHAT_ROW.save(chat)
        return turn


def question_expire(*, chat_id: int, index: int, now: datetime) -> ExpireResult | None:
    """Record key question `index` as expired and plan the next turn; None if already settled."""
    with transaction.atomic():
        chat = _locked_chat(chat_id, for_turn=True)
        if chat.status != Chat.IN_PROGRESS or chat.current_question_index != index or chat.paused_at is not None:
            return None  # settled already, or paused: no clock runs while paused
        question = _running(chat)  # the key question, or the follow-up of it whose clock runs
        if question is None or question.get("status") != s.Q_ASKED:
            return None
        if not s.is_overdue(chat.question_deadline, now, _grace()):
            return None
        expired_follow_up = _running_fields(chat, index) or None
        question.update(status=s.Q_EXPIRED, expired_at=s.iso(now))
        chat.question_deadline = None
        chat.current_follow_up = None
        turn = None
        completed = False
        if s.streaming_message(chat.messages) is None and not _window_closed(chat, now):
            turn = _add_turn(chat, s.plan_after(chat.key_questions, index, expired=True), now)
        _CHAT_ROW.save(chat)
        return ExpireResult(index=index, turn=turn, completed=completed, follow_up=expired_follow_up)


def question_extend(*, chat_id: int, seconds: int, now: datetime) -> dict[str, Any]:
    """Add seconds to the open key question's deadline."""
    with transaction.atomic():
        chat = _locked_chat(chat_id)
        if chat.status != Chat.IN_PROGRESS or chat.question_deadline is None or chat.current_question_index is None:
            raise ServiceError(ErrorCode.INVALID, "No question is running, so there is no time to extend.")
        if s.is_overdue(chat.question_deadline, now, _grace()):
            raise ServiceError(ErrorCode.TIME_EXPIRED, "This question's time has already run out.")
        question = _running(chat)
        if question is None:
            raise ServiceError(ErrorCode.INVALID, "No question is running, so there is no time to extend.")
        chat.question_deadline = chat.question_deadline + timedelta(seconds=seconds)
        question["deadline"] = s.iso(chat.question_deadline)
        question["extended_seconds"] = int(question.get("extended_seconds", 0)) + seconds
        chat.save(update_fields=["key_questions", "question_deadline", "updated_at"])
        index = chat.current_question_index
        return {"index": index, "deadline": chat.question_deadline, "seconds": seconds, **_running_fields(chat, index)}


def interview_end(*, chat_id: int, now: datetime, reason: str = "ended_by_interviewer") -> bool:
    """End the interview now (an observer's decision, or its window closing); False if already ended."""
    with transaction.atomic():
        chat = _locked_chat(chat_id)
        if chat.status == Chat.COMPLETED:
            return False
        question = _running(chat)
        if question is not None and question.get("status") == s.Q_ASKED:
            question.update(status=s.Q_EXPIRED, expired_at=s.iso(now), ended_early=True)
        chat.current_follow_up = None
        _complete(chat, now, reason)
        _CHAT_ROW.save(chat)
        return True


def interview_window_close(*, chat_id: int, now: datetime) -> bool:
    """Close an interview whose time window has passed, once no reply is still being written."""
    with transaction.atomic():
        chat = _locked_chat(chat_id)
        if chat.status != Chat.IN_PROGRESS or chat.paused_at is not None or not _window_closed(chat, now):
            return False
        if s.streaming_message(chat.messages) is not None:
            return False  # the reply being written finishes first; the watcher comes back
    return interview_end(chat_id=chat_id, now=now, reason="time_window_closed")


def _orphan_recover(chat: Chat, now: datetime) -> Recovery | None:
    """On the locked row: fail a reply whose lease expired and give the interview back the time lost.

    The time lost runs from the lease's last renewal (the owner's last sign of life) to now; it is
    added to the running key question's deadline and to the invitation's window (`ends_at`).
    """
    lease = chat.generation_lease_until
    if lease is None or lease > now:
        return None
    chat.generation_lease_until = None
    chat.generation_lease_owner = ""
    message = s.streaming_message(chat.messages)
    if message is None:
        return Recovery(message_id=None, length=0, error="", lost_seconds=0.0)
    message.update(status=s.ERROR, error=INTERRUPTED, updated_at=s.iso(now))
    lost = max(timedelta(0), now - (lease - _lease()))
    recovery = Recovery(
        message_id=message["id"], length=len(message.get("content") or ""), error=INTERRUPTED, lost_seconds=0.0
    )
    if chat.status != Chat.IN_PROGRESS:
        return recovery
    recovery.lost_seconds = lost.total_seconds()
    if chat.ends_at is not None:
        chat.ends_at += lost
    running = _running(chat)
    if chat.question_deadline is not None and chat.current_question_index is not None and running is not None:
        chat.question_deadline += lost
        running["deadline"] = s.iso(chat.question_deadline)
        index = chat.current_question_index
        recovery.question = {"index": index, "deadline": chat.question_deadline, **_running_fields(chat, index)}
    return recovery


def generation_orphan_recover(*, chat_id: int, now: datetime) -> Recovery | None:
    """Fail the chat's reply if its generation's lease expired (its process died); None if it is alive or idle."""
    with transaction.atomic():
        chat = Chat.objects.select_for_update().filter(pk=chat_id).first()
        if chat is None:
            return None
        recovery = _orphan_recover(chat, now)
        if recovery is not None:
            _CHAT_ROW.save(chat)
        return recovery
