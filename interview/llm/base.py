"""The provider interface: one streaming method per provider, usage reported once at the end."""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from interview.core.errors import ErrorCode

TurnKind = Literal["opening", "reply", "next_question", "closing"]


@dataclass(frozen=True)
class Turn:
    """What the interviewer must do in this turn, in structured form.

    LLM providers receive the same intent already written into the prompt messages; the offline
    interviewer, which reads no prompts, acts on these fields alone.
    """

    kind: TurnKind
    interview_type: str = "GEN"
    difficulty: int = 5
    candidate_name: str = ""
    # The candidate's latest answer (reply / next_question / closing turns).
    answer: str = ""
    # The key question the server will append verbatim after this turn's text, if any.
    next_question: str = ""
    # True when the previous key question ran out of time without an answer.
    previous_expired: bool = False
    question_number: int = 0
    question_total: int = 0


@dataclass(frozen=True)
class Usage:
    """Token counts of one response; estimated when the server reported none."""

    prompt_tokens: int
    completion_tokens: int
    estimated: bool = False


class LLMError(Exception):
    """An upstream failure, with a protocol error code and texts fit to show a user.

    The exception's own text (`str(exc)`) carries the upstream's details for the log: never show it to users.
    `user_message` is for an interview turn; `reason` is a plain clause for any other page ("the AI service
    failed (<reason>)").
    """

    code: ErrorCode = ErrorCode.UPSTREAM
    user_message = "The AI interviewer is not reachable right now. Your answer is saved; try again."
    reason = "it failed unexpectedly"

    def __init__(self, detail: str = "", *, user_message: str | None = None) -> None:
        super().__init__(detail or self.user_message)
        if user_message is not None:
            self.user_message = user_message


class LLMConnectionError(LLMError):
    user_message = "Could not connect to the AI interviewer. Your answer is saved; try again."
    reason = "it could not be reached"


class LLMRateLimited(LLMError):
    code = ErrorCode.RATE_LIMITED
    user_message = "The AI interviewer is busy (rate limited). Your answer is saved; try again in a moment."
    reason = "it is busy (rate limited)"


class LLMServerError(LLMError):
    user_message = "The AI interviewer failed with a server error. Your answer is saved; try again."
    reason = "it answered with a server error"


class LLMTimeout(LLMError):
    user_message = "The AI interviewer stopped responding. The reply so far is kept; try again."
    reason = "it stopped responding"


class LLMStreamBroken(LLMError):
    user_message = "The AI interviewer's reply was cut off. The reply so far is kept; try again."
    reason = "its answer was cut off"


class LLMInvalidRequest(LLMError):
    user_message = "The AI interviewer rejected the request. Please contact support if this persists."
    reason = "it rejected the request"


class LLMFormatRefused(LLMInvalidRequest):
    """The server refused the structured-output format (`response_format`) it was asked for."""

    reason = "it refused the structured-output format"


# The purpose (and token-usage request type) of the grading call; the other JSON calls parse or propose.
GRADING_PURPOSE = "report"
# The purpose (and token-usage request type) of the interviewer's decision on asking a follow-up.
FOLLOW_UP_PURPOSE = "follow_up_decision"


@dataclass(frozen=True)
class TokenLimits:
    """The most tokens one response may have, per purpose, so a model that never stops is cut off."""

    turn: int = 800
    grading: int = 3000
    parsing: int = 1500
    follow_up: int = 300

    def for_purpose(self, purpose: str) -> int:
        """The limit of a JSON completion: "report" is grading, "follow_up_decision" a follow-up, else parsing."""
        if purpose == FOLLOW_UP_PURPOSE:
            return self.follow_up
        return self.grading if purpose == GRADING_PURPOSE else self.parsing

    def __post_init__(self) -> None:
        if min(self.turn, self.grading, self.parsing, self.follow_up) < 1:
            raise ValueError(f"Token limits must be at least 1, got {self}")


@dataclass
class LLMStream:
    """One streamed response: iterate for text deltas, then read `usage` and `model`.

    `usage` is always set once iteration ends, whether it completed, raised or was closed early
    (a stopped stream reports estimated usage for the text it produced).
    """

    deltas: AsyncIterator[str]
    model: str
    usage: Usage | None = None
    text_so_far: list[str] = field(default_factory=list)

    @classmethod
    def from_producer(cls, producer: Callable[[LLMStream], AsyncGenerator[str, None]], *, model: str) -> LLMStream:
        """Build a stream whose deltas come from `producer`, which records text, model and usage on it."""
        stream = cls(deltas=_no_deltas(), model=model)
        stream.deltas = producer(stream)
        return stream

    @property
    def text(self) -> str:
        """The text produced so far (all of it once iteration has ended)."""
        return "".join(self.text_so_far)

    def __aiter__(self) -> AsyncIterator[str]:
        return self.deltas

    async def aclose(self) -> None:
        """Stop early from the iterating task: release the connection and settle `usage` for the text so far.

        To stop from another task, cancel the task that iterates instead (a running generator cannot be
        closed from outside); cancellation settles `usage` the same way.
        """
        if isinstance(self.deltas, AsyncGenerator):
            await self.deltas.aclose()
        if self.usage is None:  # closed before the first request was even sent
            self.usage = Usage(prompt_tokens=0, completion_tokens=0, estimated=True)


async def _no_deltas() -> AsyncGenerator[str, None]:
    return
    yield  # pragma: no cover - makes this an async generator


class LLMProvider(Protocol):
    """What every provider offers to the services."""

    model_name: str
    is_offline: bool

    def stream_chat(
        self, messages: list[dict[str, str]], *, turn: Turn | None = None, max_tokens: int | None = None
    ) -> LLMStream:
        """Start streaming a chat completion; the returned stream yields text deltas.

        `max_tokens` defaults to the provider's limit for an interview turn (see TokenLimits).
        """
        ...

    async def complete_json(
        self,
        messages: list[dict[str, str]],
        *,
        schema: dict[str, Any],
        purpose: str,
        max_tokens: int | None = None,
        reuse_connections: bool = False,
    ) -> tuple[str, Usage, str]:
        """Return one non-streamed completion constrained to JSON, with its usage and model name.

        `max_tokens` defaults to the provider's limit for `purpose` (see TokenLimits). With
        `reuse_connections`, the call shares the running loop's kept-alive connections (callers on the
        server's own event loop, such as a live turn); otherwise it opens and closes its own.
        """
        ...
