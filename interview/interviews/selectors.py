"""Reads shared by views and consumers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.crypto import salted_hmac

from interview.accounts.permissions import UserLike, can_observe_chat
from interview.documents.selectors import resume_prompt_text
from interview.interviews import prompts
from interview.interviews import transcript as s
from interview.llm.base import Turn
from interview.models import Chat

# A key question's text is the candidate's to read once it has been asked (and stays so after).
STARTED_STATUSES = frozenset({s.Q_ASKED, s.Q_ANSWERED, s.Q_EXPIRED, s.Q_SKIPPED})


def key_questions_hidden_from(user: UserLike | None, chat: Chat) -> frozenset[int]:
    """The indexes of the chat's key questions whose text `user` may not read: the one rule every reader uses.

    Interviewers and admins allowed to observe the chat read every question; anyone else (the candidate)
    reads a question only once it has started. Time limits and the number of questions are never hidden.
    """
    if can_observe_chat(user, chat):
        return frozenset()
    return frozenset(
        i for i, q in enumerate(chat.key_questions) if q.get("status", s.Q_PENDING) not in STARTED_STATUSES
    )


# What the hiring team wrote for the interviewer (what a strong answer covers): never shown to the candidate.
INTERVIEWER_ONLY_KEYS = frozenset({"guidance"})


def key_questions_visible_to(user: UserLike | None, chat: Chat) -> list[dict[str, Any]]:
    """The chat's key questions as `user` may see them; a hidden one keeps only its time limit and status.

    A candidate never sees a question's `guidance`, even once the question was asked.
    """
    hidden = key_questions_hidden_from(user, chat)
    observer = can_observe_chat(user, chat)
    return [
        {"question": None, "time_limit": q.get("time_limit"), "status": q.get("status", s.Q_PENDING), "hidden": True}
        if i in hidden
        else {k: v for k, v in q.items() if observer or k not in INTERVIEWER_ONLY_KEYS}
        for i, q in enumerate(chat.key_questions)
    ]


Prompt = tuple[list[dict[str, str]], Turn, str]


def chat_fence_nonce(chat_id: int) -> str:
    """The fence nonce of one interview's prompts: secret (keyed by SECRET_KEY) and the same on every turn.

    A stable nonce keeps the system prompt (rules, resume, job listing) identical from turn to turn, so
    providers that cache prompt prefixes keep caching it; the fence stays unforgeable because the text it
    holds is neutralised whatever nonce it guesses (interview/core/fence.py).
    """
    return salted_hmac("interview.prompt-fence", str(chat_id)).hexdigest()[:16]


def chat_prompt_build(chat: Chat, message_id: str) -> Prompt:
    """The LLM messages, the structured turn, and the key-question text the server appends.

    `chat` should come with its user, resume and job listing (select_related); the transcript is
    every message before `message_id`, the placeholder of the turn being generated.
    """
    message = s.find_message(chat.messages, message_id) or {}
    plan = s.TurnPlan.from_dict(message.get("turn", {}))
    transcript: list[dict[str, str]] = []
    for item in chat.messages:
        if item.get("id") == message_id:
            break
        if item.get("status") == s.ERROR or not item.get("content"):
            continue
        transcript.append({"role": item["role"], "content": item["content"]})
    last_answer = next((m["content"] for m in reversed(transcript) if m["role"] == "user"), "")
    next_question = chat.key_questions[plan.question_index]["question"] if plan.question_index is not None else ""
    turn = Turn(
        kind=plan.kind,
        interview_type=chat.type,
        difficulty=chat.difficulty,
        candidate_name=chat.user.first_name or chat.user.username,
        answer=last_answer if plan.kind != "opening" else "",
        next_question=next_question,
        previous_expired=plan.previous_expired,
        question_number=(plan.question_index + 1) if plan.question_index is not None else 0,
        question_total=len(chat.key_questions),
    )
    messages = prompts.build_interview_messages(
        interview_type=chat.type,
        difficulty=chat.difficulty,
        resume_text=resume_prompt_text(chat.resume, limit=prompts.document_budget()),
        job_text=chat.job_listing.content if chat.job_listing else "",
        transcript=transcript,
        turn=turn,
        nonce=chat_fence_nonce(chat.pk),
    )
    suffix = s.question_block(chat.key_questions, plan.question_index) if plan.question_index is not None else ""
    return messages, turn, suffix


@dataclass(frozen=True)
class FollowUpRequest:
    """What the interviewer needs to decide on a follow-up to key question `index`'s latest answer."""

    index: int
    messages: list[dict[str, str]]
    # The latest answer (the offline interviewer's rules read it) and the follow-ups it already asked.
    answer: str
    asked: list[str]
    # Texts a follow-up must not repeat: every key question and this key question's follow-ups so far.
    taken: list[str]


def follow_up_request_build(chat: Chat, index: int) -> FollowUpRequest:
    """The decision's prompt and inputs, from the chat as it is once the latest answer is stored."""
    question = chat.key_questions[index]
    by_id = {m.get("id"): m for m in chat.messages if m.get("role") == "user"}

    def answer_to(item: dict[str, Any]) -> str:
        return str((by_id.get(item.get("answer_message_id")) or {}).get("content") or "")

    items = s.follow_ups(question)
    exchanges = [(question["question"], answer_to(question))] + [(f["question"], answer_to(f)) for f in items]
    others = [q["question"] for i, q in enumerate(chat.key_questions) if i != index]
    messages = prompts.build_follow_up_decision_messages(
        interview_type=chat.type,
        difficulty=chat.difficulty,
        job_text=chat.job_listing.content if chat.job_listing else "",
        key_question=question["question"],
        guidance=str(question.get("guidance") or ""),
        exchanges=exchanges,
        other_questions=others,
        nonce=chat_fence_nonce(chat.pk),
    )
    asked = [str(f.get("question", "")) for f in items]
    return FollowUpRequest(
        index=index,
        messages=messages,
        answer=exchanges[-1][1],
        asked=asked,
        taken=[*others, question["question"], *asked],
    )


def question_view(chat: Chat, index: int, follow_up: int | None, deadline: Any) -> dict[str, Any] | None:
    """The running question as clients see it (`question.started`, the snapshot's `question`)."""
    if not 0 <= index < len(chat.key_questions):
        return None
    key = chat.key_questions[index]
    view: dict[str, Any] = {
        "index": index,
        "question": key["question"],
        "time_limit": key["time_limit"],
        "deadline": deadline,
        "total": len(chat.key_questions),
        "kind": "key",
    }
    if follow_up is not None:
        item = s.follow_up_get(key, follow_up)
        if item is None:
            return None
        view.update(follow_up_fields(index, item), question=item["question"], time_limit=item["time_limit"])
    return view


def follow_up_fields(index: int, item: dict[str, Any]) -> dict[str, Any]:
    """The fields that mark a follow-up in frames: kind, parent_index, follow_up, source, asked_by."""
    return {
        "kind": "follow_up",
        "parent_index": index,
        "follow_up": item.get("number"),
        "source": item.get("source"),
        "asked_by": item.get("asked_by"),
    }


def chat_state(chat: Chat) -> dict[str, Any]:
    """The interview's state as clients see it: each key question followed by its follow-ups."""
    index = chat.current_question_index
    question = None
    if index is not None and chat.question_deadline is not None:
        question = question_view(chat, index, chat.current_follow_up, s.iso(chat.question_deadline))
    questions: list[dict[str, Any]] = []
    for i, q in enumerate(chat.key_questions):
        questions.append(
            {
                "index": i,
                "kind": "key",
                "status": q.get("status", s.Q_PENDING),
                "answer_seconds": q.get("answer_seconds"),
            }
        )
        questions.extend(
            {"index": i, **follow_up_fields(i, f), "status": f.get("status"), "answer_seconds": f.get("answer_seconds")}
            for f in s.follow_ups(q)
        )
    pause = chat.pauses[-1] if chat.paused_at is not None and chat.pauses else None
    return {
        "status": chat.status,
        # While paused every clock is stopped: who paused, why, and since when.
        "paused": {"since": s.iso(chat.paused_at), "by": pause.get("by_name"), "reason": pause.get("reason")}
        if pause is not None and chat.paused_at is not None
        else None,
        "question": question,
        "question_total": len(chat.key_questions),
        "questions": questions,
    }
