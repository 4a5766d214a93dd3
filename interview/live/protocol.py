"""The WebSocket contract: frame types, parsing of client frames, and builders of server frames.

Every frame is a JSON object with a ``type``. Types are ``<noun>.<verb>`` and declared here once;
docs/protocol.md describes them for client authors.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import orjson

from interview.core.errors import ErrorCode

# Client → server
INTERVIEW_START = "interview.start"
ANSWER_SUBMIT = "answer.submit"
GENERATION_STOP = "generation.stop"
GENERATION_RETRY = "generation.retry"
OBSERVER_NOTE = "observer.note"
QUESTION_EXTEND = "question.extend"
INTERVIEW_END = "interview.end"
OBSERVER_PROBE = "observer.probe"
QUESTION_SKIP = "question.skip"
INTERVIEW_PAUSE = "interview.pause"
INTERVIEW_RESUME = "interview.resume"
PING = "ping"

CANDIDATE_TYPES = frozenset({INTERVIEW_START, ANSWER_SUBMIT, GENERATION_STOP, GENERATION_RETRY, PING})
OBSERVER_TYPES = frozenset(
    {
        OBSERVER_NOTE,
        QUESTION_EXTEND,
        INTERVIEW_END,
        OBSERVER_PROBE,
        QUESTION_SKIP,
        INTERVIEW_PAUSE,
        INTERVIEW_RESUME,
        PING,
    }
)

# Server → client
SESSION_SNAPSHOT = "session.snapshot"
MESSAGE_CREATED = "message.created"
ASSISTANT_DELTA = "assistant.delta"
ASSISTANT_DONE = "assistant.done"
QUESTION_STARTED = "question.started"
QUESTION_EXPIRED = "question.expired"
QUESTION_EXTENDED = "question.extended"
INTERVIEW_COMPLETED = "interview.completed"
QUESTION_SKIPPED = "question.skipped"
INTERVIEW_PAUSED = "interview.paused"
INTERVIEW_RESUMED = "interview.resumed"
PROBE_QUEUED = "probe.queued"  # observers only
PROBE_ASKED = "probe.asked"  # observers only
OBSERVER_JOINED = "observer.presence"
NOTE_CREATED = "note.created"
ERROR = "error"
PONG = "pong"

# Close codes
CLOSE_UNAUTHENTICATED = 4401
CLOSE_FORBIDDEN = 4403
CLOSE_NOT_FOUND = 4404

MAX_FRAME_BYTES = 64 * 1024
MAX_CLIENT_ID = 64
MAX_NOTE_CHARS = 4000
MAX_EXTEND_SECONDS = 1800
MAX_PROBE_CHARS = 500
MAX_REASON_CHARS = 200


class ProtocolError(Exception):
    """A client frame that cannot be accepted; carries the error code and a plain message."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class ClientFrame:
    """A parsed, validated client frame."""

    type: str
    id: str = ""
    content: str = ""
    seconds: int = 0
    # observer.note: keep wording the fairness library only warns about (issue 21).
    confirm_language: bool = False


def _require_str(data: dict[str, Any], key: str, *, max_len: int, label: str) -> str:
    value = data.get(key)
    if not isinstance(value, str):
        raise ProtocolError(ErrorCode.INVALID, f"`{key}` must be a string.")
    if len(value) > max_len:
        raise ProtocolError(
            ErrorCode.INVALID, f"{label} is too long ({len(value)} characters; the limit is {max_len})."
        )
    return value


def parse_client_frame(text: str | None, *, allowed: frozenset[str], max_content: int) -> ClientFrame:
    """Parse one text frame from a client, raising ProtocolError with a plain message if it is bad."""
    if text is None:
        raise ProtocolError(ErrorCode.INVALID, "Frames must be JSON text, not binary.")
    if len(text) > MAX_FRAME_BYTES + max_content:
        raise ProtocolError(ErrorCode.INVALID, "Frame is too large.")
    try:
        data = orjson.loads(text)
    except orjson.JSONDecodeError:
        raise ProtocolError(ErrorCode.INVALID, "Frames must be JSON objects.") from None
    if not isinstance(data, dict):
        raise ProtocolError(ErrorCode.INVALID, "Frames must be JSON objects.")
    frame_type = data.get("type")
    if not isinstance(frame_type, str) or not frame_type:
        raise ProtocolError(ErrorCode.INVALID, "Every frame needs a `type`.")
    if frame_type not in allowed:
        if frame_type in OBSERVER_TYPES | CANDIDATE_TYPES:
            raise ProtocolError(ErrorCode.FORBIDDEN, f"`{frame_type}` is not allowed on this connection.")
        raise ProtocolError(ErrorCode.INVALID, f"Unknown frame type `{frame_type[:40]}`.")

    if frame_type == ANSWER_SUBMIT:
        client_id = _require_str(data, "id", max_len=MAX_CLIENT_ID, label="`id`").strip()
        if not client_id:
            raise ProtocolError(ErrorCode.INVALID, "`answer.submit` needs a non-empty `id`.")
        content = _require_str(data, "content", max_len=max_content, label="Your answer")
        if not content.strip():
            raise ProtocolError(ErrorCode.INVALID, "Your answer is empty.")
        return ClientFrame(type=frame_type, id=client_id, content=content)
    if frame_type == OBSERVER_NOTE:
        content = _require_str(data, "content", max_len=MAX_NOTE_CHARS, label="The note")
        if not content.strip():
            raise ProtocolError(ErrorCode.INVALID, "The note is empty.")
        return ClientFrame(
            type=frame_type, content=content.strip(), confirm_language=data.get("confirm_language") is True
        )
    if frame_type == QUESTION_EXTEND:
        seconds = data.get("seconds")
        if isinstance(seconds, bool) or not isinstance(seconds, int):
            raise ProtocolError(ErrorCode.INVALID, "`seconds` must be a whole number.")
        if not 1 <= seconds <= MAX_EXTEND_SECONDS:
            raise ProtocolError(ErrorCode.INVALID, f"`seconds` must be between 1 and {MAX_EXTEND_SECONDS}.")
        return ClientFrame(type=frame_type, seconds=seconds)
    if frame_type == OBSERVER_PROBE:
        content = _require_str(data, "content", max_len=MAX_PROBE_CHARS, label="The probe").strip()
        if not content:
            raise ProtocolError(ErrorCode.INVALID, "The probe is empty.")
        return ClientFrame(type=frame_type, content=content)
    if frame_type in (INTERVIEW_PAUSE, INTERVIEW_RESUME) and data.get("reason") is not None:
        reason = _require_str(data, "reason", max_len=MAX_REASON_CHARS, label="The reason")
        return ClientFrame(type=frame_type, content=reason.strip())
    return ClientFrame(type=frame_type)


def iso(moment: datetime | None) -> str | None:
    """Format a datetime as UTC ISO 8601 with a Z suffix, or None."""
    if moment is None:
        return None
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def encode(frame: dict[str, Any]) -> str:
    """Serialise a frame to the text sent over the socket."""
    return orjson.dumps(frame).decode()


def error(code: str, message: str, **extra: Any) -> dict[str, Any]:
    return {"type": ERROR, "code": code, "message": message, **extra}


def message_created(message: dict[str, Any], client_id: str) -> dict[str, Any]:
    return {"type": MESSAGE_CREATED, "message": public_message(message), "client_id": client_id}


def assistant_delta(message_id: str, offset: int, text: str) -> dict[str, Any]:
    return {"type": ASSISTANT_DELTA, "message_id": message_id, "offset": offset, "text": text}


def assistant_done(
    message_id: str, status: str, usage: dict[str, Any] | None, *, content_length: int, message: str = ""
) -> dict[str, Any]:
    frame: dict[str, Any] = {
        "type": ASSISTANT_DONE,
        "message_id": message_id,
        "status": status,
        "usage": usage,
        "length": content_length,
    }
    if message:
        frame["message"] = message
    return frame


# What marks a follow-up in question frames (beside `kind`); `index` stays the key question's index.
FOLLOW_UP_FIELDS = ("parent_index", "follow_up", "source", "asked_by")


def _question_kind(fields: dict[str, Any]) -> dict[str, Any]:
    """`kind`, and for a follow-up its parent_index, follow_up, source and asked_by, from a question's fields."""
    if fields.get("kind") != "follow_up":
        return {"kind": "key"}
    return {"kind": "follow_up", **{key: fields.get(key) for key in FOLLOW_UP_FIELDS}}


def question_started(question: dict[str, Any], server_time: datetime) -> dict[str, Any]:
    """A question's clock started: `question` has index, question, time_limit, deadline, total (and a follow-up's fields)."""
    deadline = question["deadline"]
    return {
        "type": QUESTION_STARTED,
        "index": question["index"],
        "question": question["question"],
        "time_limit": question["time_limit"],
        "deadline": iso(deadline) if isinstance(deadline, datetime) else deadline,
        "server_time": iso(server_time),
        "total": question["total"],
        **_question_kind(question),
    }


def question_expired(index: int, server_time: datetime, follow_up: dict[str, Any] | None = None) -> dict[str, Any]:
    """Question `index` (or, with `follow_up`'s fields, that follow-up of it) ran out of time."""
    return {
        "type": QUESTION_EXPIRED,
        "index": index,
        "server_time": iso(server_time),
        **_question_kind(follow_up or {}),
    }


def question_extended(
    index: int, deadline: datetime, seconds: int, server_time: datetime, follow_up: dict[str, Any] | None = None
) -> dict[str, Any]:
    return {
        "type": QUESTION_EXTENDED,
        "index": index,
        "deadline": iso(deadline),
        "seconds": seconds,
        "server_time": iso(server_time),
        **_question_kind(follow_up or {}),
    }


def question_skipped(
    index: int, server_time: datetime, by_name: str, follow_up: dict[str, Any] | None = None
) -> dict[str, Any]:
    """An observer skipped question `index` (or, with `follow_up`'s fields, that follow-up of it)."""
    return {
        "type": QUESTION_SKIPPED,
        "index": index,
        "by": by_name,
        "server_time": iso(server_time),
        **_question_kind(follow_up or {}),
    }


def interview_paused(by_name: str, reason: str, server_time: datetime) -> dict[str, Any]:
    return {"type": INTERVIEW_PAUSED, "by": by_name, "reason": reason, "server_time": iso(server_time)}


def interview_resumed(
    reason: str, seconds: float, server_time: datetime, question: dict[str, Any] | None
) -> dict[str, Any]:
    """The clocks run again; `question` (index, deadline and a follow-up's fields) is the running one, moved."""
    frame: dict[str, Any] = {
        "type": INTERVIEW_RESUMED,
        "reason": reason,
        "paused_seconds": round(seconds, 1),
        "server_time": iso(server_time),
        "index": None,
        "deadline": None,
    }
    if question is not None:
        frame.update(index=question["index"], deadline=iso(question["deadline"]), **_question_kind(question))
    return frame


def public_probe(probe: dict[str, Any]) -> dict[str, Any]:
    """A pending probe as observers see it."""
    return {
        "id": probe["id"],
        "content": probe["content"],
        "index": probe["index"],
        "asked_by": probe["by_name"],
        "queued_at": probe["queued_at"],
    }


def probe_queued(probe: dict[str, Any]) -> dict[str, Any]:
    return {"type": PROBE_QUEUED, "probe": public_probe(probe)}


def probe_asked(probe: dict[str, Any], question: dict[str, Any], server_time: datetime) -> dict[str, Any]:
    """A pending probe was asked: `question` is its question view (index, follow_up, deadline…)."""
    return {
        "type": PROBE_ASKED,
        "id": probe["id"],
        "index": question["index"],
        "follow_up": question.get("follow_up"),
        "deadline": iso(question["deadline"]) if isinstance(question["deadline"], datetime) else question["deadline"],
        "server_time": iso(server_time),
    }


def interview_completed(reason: str, server_time: datetime) -> dict[str, Any]:
    return {"type": INTERVIEW_COMPLETED, "reason": reason, "server_time": iso(server_time)}


def observer_presence(observers: list[dict[str, Any]]) -> dict[str, Any]:
    return {"type": OBSERVER_JOINED, "observers": observers}


def note_created(note: dict[str, Any]) -> dict[str, Any]:
    return {"type": NOTE_CREATED, "note": note}


def pong(server_time: datetime) -> dict[str, Any]:
    return {"type": PONG, "server_time": iso(server_time)}


PUBLIC_MESSAGE_KEYS = (
    "id",
    "role",
    "content",
    "status",
    "created_at",
    "question_index",
    "kind",
    "client_id",
    "answer_seconds",
    "follow_up",
    "source",
    "asked_by",
)


def public_message(message: dict[str, Any]) -> dict[str, Any]:
    """The part of a stored message that clients see (no internal bookkeeping)."""
    return {key: message.get(key) for key in PUBLIC_MESSAGE_KEYS if key in message}


def session_snapshot(
    *,
    chat: dict[str, Any],
    messages: list[dict[str, Any]],
    state: dict[str, Any],
    generation: dict[str, Any] | None,
    server_time: datetime,
    offline: bool,
    role: str,
    observers: list[dict[str, Any]] | None = None,
    notes: list[dict[str, Any]] | None = None,
    probes: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """The whole chat as one frame: sent on connect and whenever a client must resync."""
    frame = {
        "type": SESSION_SNAPSHOT,
        "chat": chat,
        "messages": [public_message(m) for m in messages],
        "interview": state,
        "question": state.get("question"),
        "generation": generation,
        "server_time": iso(server_time),
        "offline": offline,
        "role": role,
        "observers": observers or [],
    }
    if notes is not None:  # observers only
        frame["notes"] = notes
    if probes is not None:  # observers only: the probes queued, not asked yet
        frame["probes"] = [public_probe(probe) for probe in probes]
    return frame
