"""The offline practice interviewer: no model, no prompts; short scripted lines chosen from the turn itself."""

from __future__ import annotations

import asyncio
import hashlib
import re
from collections.abc import AsyncGenerator, Sequence
from typing import Any

from interview.llm.base import LLMError, LLMStream, Turn, Usage
from interview.llm.tokens import count_message_tokens, count_tokens

DEFAULT_WORDS_PER_SECOND = 12.0
SHORT_ANSWER_WORDS = 15
LONG_ANSWER_WORDS = 300

_ACKNOWLEDGEMENTS = (
    "Thank you, your answer is noted.",
    "Thanks for your answer.",
    "Got it, thank you.",
    "Understood, thanks for that.",
    "Thank you, that's recorded.",
)
_EXPIRED = (
    "Time ran out on the previous question, so we'll move on.",
    "The timer ran out on that question before an answer came in; let's continue.",
    "That question's time is up, so we'll carry on.",
)
_SHORT_NOTES = (
    "That was a short answer; in a real interview, expand it with a concrete example.",
    "That answer was brief; in a real interview, add an example of what you did and what came of it.",
)
_LONG_NOTES = (
    "That was a long answer; in a real interview, aim to make your main point within two minutes.",
    "That answer ran long; in a real interview, lead with your main point and keep the detail for follow-ups.",
)
_TIPS = (
    "",
    "",
    "Tip for practice: a concrete result, such as a number or an outcome, makes an example easier to remember.",
    "Tip for practice: saying briefly what the situation was before what you did helps a listener follow.",
)
_TRANSITIONS = ("Here is the next question.", "On to the next one.", "Next question.", "Let's move on.")
_REPLY_NOTES = (
    "As the offline practice interviewer I can't discuss answers, but your message is saved.",
    "I'm the offline practice interviewer, so I can't respond in depth; your message is saved.",
)
_CLOSINGS = (
    "That's the end of the interview. Your report is being generated now and will be ready shortly.",
    "We've reached the end of the interview. Your report is being generated and will appear shortly.",
)


class OfflineInterviewer:
    """A provider that needs no network: it streams short, neutral interviewer lines at reading pace."""

    is_offline = True
    model_name = "offline-interviewer"

    def __init__(self, *, pace: float = DEFAULT_WORDS_PER_SECOND) -> None:
        # Words per second; 0 streams without any delay (tests).
        self.pace = pace

    def stream_chat(
        self, messages: list[dict[str, str]], *, turn: Turn | None = None, max_tokens: int | None = None
    ) -> LLMStream:
        """Stream this turn's interviewer text word by word; `usage` is estimated when iteration ends."""
        text = compose_offline_text(turn or Turn(kind="reply"))
        return LLMStream.from_producer(lambda stream: self._produce(stream, text, messages), model=self.model_name)

    async def complete_json(
        self,
        messages: list[dict[str, str]],
        *,
        schema: dict[str, Any],
        purpose: str,
        max_tokens: int | None = None,
        reuse_connections: bool = False,
    ) -> tuple[str, Usage, str]:
        """Always fails: there is no model to write JSON; callers fall back to their rule-based path."""
        raise LLMError("offline")

    async def _produce(self, stream: LLMStream, text: str, messages: list[dict[str, str]]) -> AsyncGenerator[str, None]:
        delay = 1.0 / self.pace if self.pace > 0 else 0.0
        try:
            for index, word in enumerate(re.findall(r"\s*\S+", text)):
                if index and delay:
                    await asyncio.sleep(delay)
                stream.text_so_far.append(word)
                yield word
        finally:
            prompt = count_message_tokens(messages) if messages else 0
            stream.usage = Usage(prompt_tokens=prompt, completion_tokens=count_tokens(stream.text), estimated=True)


# The offline interviewer's follow-up rules: plain, labelled, the same for every candidate.
FOLLOW_UP_SHORT_WORDS = 25
FOLLOW_UP_EXAMPLE = (
    "Can you walk me through a concrete example: what the situation was, what you did yourself, and how it went?"
)
FOLLOW_UP_OUTCOME = "What was the outcome, and how did you know whether it worked?"
FOLLOW_UP_RULES = {
    FOLLOW_UP_EXAMPLE: f"an answer under {FOLLOW_UP_SHORT_WORDS} words",
    FOLLOW_UP_OUTCOME: "an answer that names no result or outcome",
}
# Words that say what came of something: an answer with none of them gets the outcome question.
_OUTCOME = re.compile(
    r"\b(result\w*|outcome\w*|impact\w*|effect\w*|improv\w*|reduc\w*|increas\w*|decreas\w*|sav(e|ed|ing|ings)"
    r"|achiev\w*|succe\w*|fail\w*|fix(ed)?|solv\w*|resolv\w*|cut|grew|doubl\w*|halv\w*|shipp?\w*|launch\w*"
    r"|deliver\w*|learn\w*|lesson\w*|worked|so that|led to|which meant|in the end|eventually|finally"
    r"|faster|slower|quicker|cheaper|better|dropp\w*|fell|rose|went (from|down|up)|down to|up to)\b|\d+\s*%",
    re.IGNORECASE,
)


def offline_follow_up(answer: str, *, asked: Sequence[str] = ()) -> str | None:
    """The offline interviewer's follow-up to `answer` by its plain rules, or None; a rule is used once per key question.

    Under FOLLOW_UP_SHORT_WORDS words: the concrete-example question; else, no result or outcome words: the
    outcome question. No judgement of the content is involved.
    """
    rules = (
        (FOLLOW_UP_EXAMPLE, len(answer.split()) < FOLLOW_UP_SHORT_WORDS),
        (FOLLOW_UP_OUTCOME, not _OUTCOME.search(answer)),
    )
    return next((question for question, applies in rules if applies and question not in asked), None)


def compose_offline_text(turn: Turn) -> str:
    """Return the interviewer's line for `turn`; the same turn always gets the same wording."""
    if turn.kind == "opening":
        return _opening(turn)
    if turn.kind == "closing":
        return _closing(turn)
    return _acknowledgement(turn)


def _opening(turn: Turn) -> str:
    greeting = f"Hello {_name(turn)}." if _name(turn) else "Hello."
    count = f"{turn.question_total} timed questions" if turn.question_total > 0 else "a series of timed questions"
    return (
        f"{greeting} This is the offline practice interviewer: no AI is involved, so I won't comment on the "
        f"content of your answers. You'll get {count}, one at a time; answer each before its timer runs out. "
        "Your report comes at the end. Let's begin."
    )


def _acknowledgement(turn: Turn) -> str:
    if turn.kind == "reply":  # a message, not an answer to a key question: no remarks on its length
        return f"{_pick(_ACKNOWLEDGEMENTS, turn)} {_pick(_REPLY_NOTES, turn)}"
    if turn.previous_expired:
        parts = [_pick(_EXPIRED, turn)]
    else:
        parts = [_pick(_ACKNOWLEDGEMENTS, turn), _answer_note(turn)]
    if turn.question_number > 0 and turn.question_total > 0:
        parts.append(f"Here is question {turn.question_number} of {turn.question_total}.")
    else:
        parts.append(_pick(_TRANSITIONS, turn))
    return " ".join(part for part in parts if part)


def _answer_note(turn: Turn) -> str:
    """An objective remark on the answer's length, or an occasional general tip; never a judgement."""
    words = len(turn.answer.split())
    if words < SHORT_ANSWER_WORDS:
        return _pick(_SHORT_NOTES, turn)
    if words > LONG_ANSWER_WORDS:
        return _pick(_LONG_NOTES, turn)
    return _pick(_TIPS, turn)


def _closing(turn: Turn) -> str:
    name = _name(turn)
    thanks = f"Thank you, {name}." if name else "Thank you for your time."
    expired = "Time ran out on the last question. " if turn.previous_expired else ""
    return f"{expired}{thanks} {_pick(_CLOSINGS, turn)}"


def _name(turn: Turn) -> str:
    return " ".join(turn.candidate_name.split())[:60]


def _pick(options: Sequence[str], turn: Turn) -> str:
    """Choose an option by a hash of the turn, so wording varies between turns but never between runs."""
    key = f"{turn.kind}|{turn.question_number}|{turn.previous_expired}|{turn.answer}|{options[0]}"
    return options[int.from_bytes(hashlib.sha256(key.encode()).digest()[:4], "big") % len(options)]
