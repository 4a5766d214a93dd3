"""Pure rules of a live interview: messages, turn planning and key-question clocks.

Nothing here touches the database, settings, the clock or the network: times and ids come in as
arguments, so every rule can be tested directly.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
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

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "question_index": self.question_index, "previous_expired": self.previous_expired}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TurnPlan:
        return cls(
            kind=data.get("kind", "reply"),
            question_index=data.get("question_index"),
            previous_expired=bool(data.get("previous_expired")),
        )


def user_message(
    *,
    message_id: str,
    client_id: str,
    content: str,
    now: datetime,
    question_index: int | None,
    answer_seconds: float | None,
) -> Message:
    """A stored candidate message."""
    return {
        "id": message_id,
        "role": "user",
        "content": content,
        "status": COMPLETE,
        "created_at": iso(now),
        "client_id": client_id,
        "question_index": question_index,
        "answer_seconds": answer_seconds,
    }


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


def plan_after(key_questions: list[KeyQuestion], index: int | None, *, expired: bool = False) -> TurnPlan:
    """The turn that follows the answer to (or the expiry of) key question `index`."""
    if not key_questions or index is None:
        return TurnPlan(kind="reply", question_index=None, previous_expired=expired)
    following = index + 1
    if following < len(key_questions):
        return TurnPlan(kind="next_question", question_index=following, previous_expired=expired)
    return TurnPlan(kind="closing", question_index=None, previous_expired=expired)


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
