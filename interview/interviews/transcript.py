"""Pure rules of a live interview: messages, turn planning and key-question clocks.

Nothing here touches the database, settings, the clock or the network: times and ids come in as
arguments, so every rule can be tested directly.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from difflib import SequenceMatcher
from typing import Any, Literal

Message = dict[str, Any]
KeyQuestion = dict[str, Any]

STREAMING = "streaming"
COMPLETE = "complete"
STOPPED = "stopped"
ERROR = "error"

Q_PENDING = "pending"
Q_ASKED = "asked"
Q_ANSWERED = "answered"
Q_EXPIRED = "expired"
Q_SKIPPED = "skipped"  # an observer skipped it: missing evidence, never a wrong answer

# Who asked a follow-up: the AI interviewer, the offline interviewer's rules, or (later) an observer.
SOURCE_AI = "ai"
SOURCE_OFFLINE = "offline"
SOURCE_OBSERVER = "observer"
# Follow-ups that count against a chat's max_follow_ups (observer probes never do).
POLICY_SOURCES = frozenset({SOURCE_AI, SOURCE_OFFLINE})
FOLLOW_UP_MIN_SECONDS = 60
FOLLOW_UP_MAX_CHARS = 300
# Observer probes per key question (asked and pending together); they never count against the policy.
MAX_PROBES = 3
# A follow-up this close to another key question's text is that question asked early, not a follow-up.
REPEAT_SIMILARITY = 0.8


def iso(moment: datetime) -> str:
    """UTC ISO 8601 with a Z suffix."""
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def parse_iso(value: str | None) -> datetime | None:
    """Parse a timestamp written by iso()."""
    if not value:
        return None
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


@dataclass(frozen=True)
class TurnPlan:
    """What the next assistant message must do, and which key question it ends with."""

    kind: Literal["opening", "reply", "next_question", "closing"]
    question_index: int | None
    previous_expired: bool = False
    # The key question whose latest answer may get a follow-up in this turn (the interviewer decides);
    # if it does, the follow-up replaces this turn's text and the planned question waits.
    follow_up_of: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "question_index": self.question_index,
            "previous_expired": self.previous_expired,
            "follow_up_of": self.follow_up_of,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TurnPlan:
        follow_up_of = data.get("follow_up_of")
        return cls(
            kind=data.get("kind", "reply"),
            question_index=data.get("question_index"),
            previous_expired=bool(data.get("previous_expired")),
            follow_up_of=follow_up_of if isinstance(follow_up_of, int) else None,
        )


def user_message(
    *,
    message_id: str,
    client_id: str,
    content: str,
    now: datetime,
    question_index: int | None,
    answer_seconds: float | None,
    follow_up: int | None = None,
) -> Message:
    """A stored candidate message; `follow_up` is the number of the follow-up it answers, if any."""
    message = {
        "id": message_id,
        "role": "user",
        "content": content,
        "status": COMPLETE,
        "created_at": iso(now),
        "client_id": client_id,
        "question_index": question_index,
        "answer_seconds": answer_seconds,
    }
    if follow_up is not None:
        message["follow_up"] = follow_up
    return message


def assistant_placeholder(*, message_id: str, plan: TurnPlan, now: datetime) -> Message:
    """A stored assistant message that is about to stream; its status is the chat's busy flag."""
    return {
        "id": message_id,
        "role": "assistant",
        "content": "",
        "status": STREAMING,
        "created_at": iso(now),
        "updated_at": iso(now),
        "kind": plan.kind,
        "question_index": plan.question_index,
        "turn": plan.as_dict(),
    }


def find_message(messages: list[Message], message_id: str) -> Message | None:
    return next((m for m in messages if m.get("id") == message_id), None)


def find_by_client_id(messages: list[Message], client_id: str) -> Message | None:
    return next((m for m in messages if m.get("role") == "user" and m.get("client_id") == client_id), None)


def streaming_message(messages: list[Message]) -> Message | None:
    """The assistant message being generated, if any."""
    return next((m for m in reversed(messages) if m.get("status") == STREAMING), None)


def last_failed_turn(messages: list[Message]) -> Message | None:
    """The latest assistant message if it ended in error (the turn a retry repeats)."""
    for message in reversed(messages):
        if message.get("role") == "assistant":
            return message if message.get("status") == ERROR else None
    return None


def plan_opening(key_questions: list[KeyQuestion]) -> TurnPlan:
    return TurnPlan(kind="opening", question_index=0 if key_questions else None)


def plan_after(
    key_questions: list[KeyQuestion],
    index: int | None,
    *,
    expired: bool = False,
    max_follow_ups: int = 0,
    skipped: bool = False,
) -> TurnPlan:
    """The turn that follows the answer to (or the expiry or skip of) key question `index` or one of its follow-ups.

    The turn may become a follow-up (`follow_up_of`) when the policy leaves one for `index`; never after
    an expiry or a skip. A closing turn that gets a follow-up is not a closing any more: the closing comes after it.
    """
    if not key_questions or index is None:
        return TurnPlan(kind="reply", question_index=None, previous_expired=expired)
    moving_on = expired or skipped
    follow_up_of = index if not moving_on and follow_up_allowed(key_questions, index, max_follow_ups) else None
    following = index + 1
    if following < len(key_questions):
        return TurnPlan(
            kind="next_question", question_index=following, previous_expired=expired, follow_up_of=follow_up_of
        )
    return TurnPlan(kind="closing", question_index=None, previous_expired=expired, follow_up_of=follow_up_of)


def follow_ups(question: KeyQuestion) -> list[dict[str, Any]]:
    """The follow-ups asked after key question `question`, oldest first."""
    items = question.get("follow_ups")
    return items if isinstance(items, list) else []


def follow_up_get(question: KeyQuestion, number: int | None) -> dict[str, Any] | None:
    """Follow-up `number` (1-based) of a key question, if it exists."""
    return next((f for f in follow_ups(question) if f.get("number") == number), None)


def policy_follow_ups(question: KeyQuestion) -> int:
    """How many follow-ups of a key question count against the policy (the AI's and the offline rules')."""
    return sum(1 for f in follow_ups(question) if f.get("source") in POLICY_SOURCES)


def follow_up_allowed(key_questions: list[KeyQuestion], index: int, max_follow_ups: int) -> bool:
    """Whether key question `index`'s latest answer may get one more follow-up under the policy.

    Only an answered key question qualifies, and only while its latest follow-up (if any) was answered
    too: never after an expiry, never while a follow-up is still running.
    """
    if not 0 <= index < len(key_questions):
        return False
    question = key_questions[index]
    if question.get("status") != Q_ANSWERED or policy_follow_ups(question) >= max_follow_ups:
        return False
    items = follow_ups(question)
    return not items or items[-1].get("status") == Q_ANSWERED


def follow_up_time_limit(key_time_limit: int, ratio: float) -> int:
    """A follow-up's time limit: `ratio` of its key question's, at least FOLLOW_UP_MIN_SECONDS."""
    return max(FOLLOW_UP_MIN_SECONDS, round(ratio * key_time_limit))


def follow_up_add(
    question: KeyQuestion, *, text: str, source: str, asked_by: str | None, time_limit: int, now: datetime
) -> dict[str, Any]:
    """Record a follow-up of `question` as asked now, its clock running; return it."""
    items = question.setdefault("follow_ups", [])
    item = {
        "number": len(items) + 1,
        "question": text,
        "source": source,
        "asked_by": asked_by,
        "status": Q_ASKED,
        "time_limit": time_limit,
        "asked_at": iso(now),
        "deadline": iso(now + timedelta(seconds=time_limit)),
    }
    items.append(item)
    return item


def probes_used(question: KeyQuestion, pending: list[dict[str, Any]], index: int) -> int:
    """Observer probes of key question `index`: those asked (its observer follow-ups) and those still pending."""
    asked = sum(1 for f in follow_ups(question) if f.get("source") == SOURCE_OBSERVER)
    return asked + sum(1 for probe in pending if probe.get("index") == index)


def probe_message(*, message_id: str, text: str, index: int, number: int, asked_by: str, now: datetime) -> Message:
    """The stored assistant message that asks an observer's probe verbatim (no model call, complete at once)."""
    return {
        "id": message_id,
        "role": "assistant",
        "content": text,
        "status": COMPLETE,
        "created_at": iso(now),
        "updated_at": iso(now),
        "kind": "follow_up",
        "question_index": index,
        "follow_up": number,
        "source": SOURCE_OBSERVER,
        "asked_by": asked_by,
    }


def pause_begin(pauses: list[dict[str, Any]], *, by: int, by_name: str, reason: str, now: datetime) -> None:
    """Record a pause starting now."""
    pauses.append(
        {"by": by, "by_name": by_name, "reason": reason, "started_at": iso(now), "ended_at": None, "seconds": None}
    )


def pause_end(pauses: list[dict[str, Any]], *, started: datetime, now: datetime, auto: bool) -> float:
    """Close the open pause (started at `started`) and return how many seconds it lasted."""
    seconds = max(0.0, (now - started).total_seconds())
    if pauses and pauses[-1].get("ended_at") is None:
        pauses[-1].update(ended_at=iso(now), seconds=round(seconds, 1), auto=auto)
    return seconds


def running_question(
    key_questions: list[KeyQuestion], index: int | None, follow_up: int | None
) -> dict[str, Any] | None:
    """The stored dict whose clock runs: follow-up `follow_up` of key question `index`, or that key question."""
    if index is None or not 0 <= index < len(key_questions):
        return None
    question = key_questions[index]
    return follow_up_get(question, follow_up) if follow_up is not None else question


@dataclass(frozen=True)
class FollowUpDecision:
    """The interviewer's decision on one answer: "ask" (with the question), "none", or "fallback" (with why)."""

    outcome: Literal["ask", "none", "fallback"]
    question: str = ""
    reason: str = ""


def follow_up_decision_parse(raw: str, *, other_questions: list[str]) -> FollowUpDecision:
    """Read a model's `{follow_up, question}` answer; anything unusable is a "fallback" with its reason."""
    data = _json_object(raw)
    if data is None:
        return FollowUpDecision("fallback", reason="not a JSON object")
    wanted = data.get("follow_up")
    if not isinstance(wanted, bool):
        return FollowUpDecision("fallback", reason="`follow_up` is not a boolean")
    if not wanted:
        return FollowUpDecision("none")
    question = follow_up_question_clean(data.get("question"), other_questions=other_questions)
    if question is None:
        return FollowUpDecision("fallback", reason="the question is not one short new question")
    return FollowUpDecision("ask", question=question)


def follow_up_question_clean(value: Any, *, other_questions: list[str]) -> str | None:
    """The follow-up question, whitespace collapsed, if it is one non-empty question of at most 300 characters
    that does not repeat another key question; None otherwise."""
    if not isinstance(value, str):
        return None
    text = " ".join(value.split()).strip('"')
    if not text or len(text) > FOLLOW_UP_MAX_CHARS or text.count("?") != 1 or not text.endswith("?"):
        return None
    words = _words(text)
    for other in other_questions:
        theirs = _words(other)
        if theirs and (words == theirs or SequenceMatcher(None, words, theirs).ratio() >= REPEAT_SIMILARITY):
            return None
    return text


def _words(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


def _json_object(raw: str) -> dict[str, Any] | None:
    """The JSON object in a model's text: the whole text, or (plain-text models) the outermost braces in it."""
    candidates = [raw.strip()]
    start, end = raw.find("{"), raw.rfind("}")
    if 0 <= start < end:
        candidates.append(raw[start : end + 1])
    for candidate in candidates:
        try:
            data = json.loads(candidate)
        except ValueError:
            continue
        if isinstance(data, dict):
            return data
    return None


def question_block(key_questions: list[KeyQuestion], index: int) -> str:
    """The verbatim text the server appends to deliver key question `index`."""
    question = key_questions[index]
    return f"**Question {index + 1} of {len(key_questions)}** · {question['time_limit'] // 60}:{question['time_limit'] % 60:02d} to answer\n\n{question['question']}"


def answer_window(
    deadline: datetime | None, now: datetime, grace: timedelta
) -> Literal["open", "grace", "closed", "none"]:
    """Whether an answer sent at `now` is in time for a question with this deadline."""
    if deadline is None:
        return "none"
    if now <= deadline:
        return "open"
    if now <= deadline + grace:
        return "grace"
    return "closed"


def is_overdue(deadline: datetime | None, now: datetime, grace: timedelta) -> bool:
    """Whether a question's time, grace included, has run out."""
    return deadline is not None and now > deadline + grace


def validate_key_questions(value: Any) -> list[KeyQuestion]:
    """Check a key_questions list: each item a non-empty question and a positive time limit."""
    if not isinstance(value, list):
        raise ValueError("key_questions must be a list.")
    cleaned: list[KeyQuestion] = []
    for position, item in enumerate(value, start=1):
        if not isinstance(item, dict):
            raise ValueError(f"Key question {position} must be an object with question and time_limit.")
        question = item.get("question")
        limit = item.get("time_limit")
        if not isinstance(question, str) or not question.strip():
            raise ValueError(f"Key question {position} has no question text.")
        if isinstance(limit, bool) or not isinstance(limit, int) or not 10 <= limit <= 3600:
            raise ValueError(f"Key question {position} needs a time_limit between 10 and 3600 seconds.")
        cleaned.append({**item, "question": question.strip(), "time_limit": limit})
    return cleaned
