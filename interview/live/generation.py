"""Streaming one assistant turn: owned by the chat (not a socket), coalesced, saved, broadcast.

A Generation runs as its own task in the server process that started it. Sockets come and go
without affecting it; `generation.stop` and resync requests reach it through the control group
`chatctl.<id>`, from this process or any other. It holds the chat's generation lease, renewed by
its partial saves (or, when none happened lately, by a renewal of its own), so another process can
tell a dead generation from a live one (interview/live/deadlines.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import Counter
from typing import Any

from django.conf import settings
from django.utils import timezone

from interview.interviews import transcript as s
from interview.interviews.prompts import FOLLOW_UP_SCHEMA
from interview.interviews.services import (
    FollowUpOutcome,
    PartialSave,
    TurnStart,
    generation_finish,
    generation_lease_renew,
)
from interview.live import protocol as p
from interview.live.dblane import db_background, db_urgent
from interview.live.deadlines import WATCHER, window_settle
from interview.live.groups import (
    CHAT_FRAME,
    CHAT_GONE,
    GENERATION_CONTROL_END,
    GENERATION_STOP,
    GENERATION_SYNC,
    channel_layer,
    chat_broadcast,
    chat_delta_broadcast,
    chat_event,
    control_group,
    control_send,
)
from interview.live.partials import partial_saves
from interview.live.probes import probe_announce
from interview.llm import get_provider
from interview.llm.base import FOLLOW_UP_PURPOSE, LLMError, LLMProvider, LLMStream
from interview.llm.offline import offline_follow_up

logger = logging.getLogger(__name__)

# The generations running in this process, by chat id.
REGISTRY: dict[int, Generation] = {}

DELETED = "This interview was deleted."

# Follow-up decisions that fell back to no follow-up in this process, by reason (a model that cannot
# write the decision: no JSON mode, garbage, an HTTP error, a timeout). Each is also logged (WARNING)
# and flagged on the key question (`follow_up_fallback`).
FOLLOW_UP_FALLBACKS: Counter[str] = Counter()


class Generation:
    """One assistant message being streamed from the provider to everyone on the chat."""

    def __init__(self, turn: TurnStart) -> None:
        self.chat_id = turn.chat_id
        self.message_id = turn.message_id
        self.plan = turn.plan
        self.prompt = turn.prompt
        self.follow_up_request = turn.follow_up
        self.offline = turn.offline
        self.follow_up: FollowUpOutcome | None = None
        self._stream: LLMStream | None = None
        self._parts: list[str] = []
        self._pending: list[str] = []
        self.length = 0
        self._flushed = 0
        self._saved = 0
        self._last_save = time.monotonic()
        self._wake = asyncio.Event()
        self._finished = False
        self._stopped = False
        self._stream_task: asyncio.Task[None] | None = None
        self._saver: asyncio.Task[None] | None = None
        self._control_channel: str | None = None
        # When the lease was last renewed (the turn's creation took it), and whether it is still ours.
        self._lease_renewed = time.monotonic()
        self._owned = True
        self.task: asyncio.Task[None] | None = None

    def text(self) -> str:
        """The whole text generated so far."""
        if len(self._parts) > 1:
            self._parts = ["".join(self._parts)]
        return self._parts[0] if self._parts else ""

    def stop(self) -> None:
        """Stop reading from the provider; the partial text is kept (status stopped)."""
        self._stopped = True
        if self._stream_task is not None:
            self._stream_task.cancel()

    def _disowned(self) -> None:
        """The chat was deleted, or the reply taken over as orphaned: stop; nothing more is stored."""
        if self._owned:
            logger.warning("Generation for chat %s lost its message; stopping", self.chat_id)
        self._owned = False
        self.stop()

    def _append(self, delta: str) -> None:
        if not delta:
            return
        if not self._parts:  # partial saves are counted from the first token, once per second of streaming
            self._last_save = time.monotonic()
        self._parts.append(delta)
        self._pending.append(delta)
        self.length += len(delta)
        self._wake.set()

    async def run(self) -> None:
        """Stream the turn to its end, then store it and tell everyone."""
        status, error, usage, model = s.COMPLETE, None, None, ""
        pump = asyncio.create_task(self._pump())
        control = asyncio.create_task(self._control())
        keeper = asyncio.create_task(self._keep_lease())
        try:
            provider = get_provider(offline=self.offline)
            model = provider.model_name
            suffix = self.prompt[2]
            self._stream_task = asyncio.create_task(self._produce(provider))
            if self._stopped:
                self._stream_task.cancel()
            try:
                await self._stream_task
            except asyncio.CancelledError:
                if not self._stopped:
                    raise
                status = s.STOPPED
            except LLMError as exc:
                logger.warning("Generation for chat %s failed upstream: %r", self.chat_id, exc)
                status, error = s.ERROR, exc
            if self._stream is not None:
                usage, model = self._stream.usage, self._stream.model or model
            asking = self.follow_up is not None and bool(self.follow_up.question)
            if status != s.ERROR and suffix and not asking:
                self._append(("\n\n" if self.length else "") + suffix)
        except Exception as exc:  # a bug must not leave the chat busy forever
            logger.exception("Generation for chat %s crashed", self.chat_id)
            status, error = (
                s.ERROR,
                LLMError(repr(exc), user_message="The interviewer hit an internal error. Try again."),
            )
        finally:
            keeper.cancel()
            await self._finish(pump, control, status, error, usage, model)

    async def _produce(self, provider: LLMProvider) -> None:
        """Decide on a follow-up when the policy allows one; then either ask it, or stream the planned turn."""
        if self.follow_up_request is not None:
            self.follow_up = await self._decide(provider)
            if self.follow_up.question:
                # The decided text is the whole turn: sent through the same pump, no second LLM call.
                self._append(self.follow_up.question)
                return
        messages, turn, _suffix = self.prompt
        self._stream = provider.stream_chat(messages, turn=turn)
        await self._consume(self._stream)

    async def _decide(self, provider: LLMProvider) -> FollowUpOutcome:
        """One decision on the latest answer: the offline rules, or one JSON call; any failure is no follow-up."""
        request = self.follow_up_request
        assert request is not None
        if provider.is_offline:
            question = offline_follow_up(request.answer, asked=request.asked)
            return FollowUpOutcome(question=question or "", source=s.SOURCE_OFFLINE)
        try:
            async with asyncio.timeout(settings.FOLLOW_UP_DECISION_TIMEOUT_SECONDS):
                text, usage, model = await provider.complete_json(
                    request.messages, schema=FOLLOW_UP_SCHEMA, purpose=FOLLOW_UP_PURPOSE, reuse_connections=True
                )
        except TimeoutError:
            return self._fallback("timeout", f"no decision within {settings.FOLLOW_UP_DECISION_TIMEOUT_SECONDS:g} s")
        except LLMError as exc:
            return self._fallback(type(exc).__name__, repr(exc))
        except Exception as exc:  # a bug in the call must not break the turn either
            logger.exception("Follow-up decision for chat %s crashed", self.chat_id)
            return self._fallback("crash", repr(exc))
        decision = s.follow_up_decision_parse(text, other_questions=request.taken)
        if decision.outcome == "fallback":
            return self._fallback("unusable", f"{decision.reason}: {text[:200]!r}", usage=usage, model=model)
        return FollowUpOutcome(question=decision.question, source=s.SOURCE_AI, usage=usage, model=model)

    def _fallback(self, kind: str, detail: str, **spent: Any) -> FollowUpOutcome:
        """No follow-up for this answer because the model's decision failed: logged, counted, flagged."""
        FOLLOW_UP_FALLBACKS[kind] += 1
        logger.warning("Follow-up decision for chat %s fell back to none (%s): %s", self.chat_id, kind, detail)
        return FollowUpOutcome(fallback=kind, **spent)

    async def _consume(self, stream: LLMStream) -> None:
        async with contextlib.aclosing(stream.deltas) as deltas:  # type: ignore[type-var]
            async for delta in deltas:
                self._append(delta)

    async def _finish(
        self,
        pump: asyncio.Task[None],
        control: asyncio.Task[None],
        status: str,
        error: LLMError | None,
        usage: Any,
        model: str,
    ) -> None:
        self._finished = True
        self._wake.set()
        try:
            await pump
            if self._saver is not None:
                # The finish below stores the whole text; a partial save still waiting for its batch is
                # dropped, and one already written before it is harmless (it only grows a streaming reply).
                self._saver.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await self._saver
            now = timezone.now()
            if not self._owned:
                # Taken over, or the chat deleted: the finish below stores nothing and says which.
                status, error = s.STOPPED, None
            result = await db_urgent(generation_finish)(
                chat_id=self.chat_id,
                message_id=self.message_id,
                text=self.text(),
                status=status,
                usage=usage,
                model=model,
                now=now,
                error=error.user_message if error else "",
                follow_up=self.follow_up,
            )
            usage_frame = (
                {
                    "prompt_tokens": usage.prompt_tokens,
                    "completion_tokens": usage.completion_tokens,
                    "estimated": usage.estimated,
                }
                if usage
                else None
            )
            if result.gone:
                # The chat was deleted mid-reply: end the message for everyone, then close their sockets.
                done = p.assistant_done(
                    self.message_id, s.STOPPED, usage_frame, content_length=self.length, message=DELETED
                )
                await chat_broadcast(self.chat_id, done)
                await chat_event(self.chat_id, {"type": CHAT_GONE})
                return
            if result.superseded:
                return  # whoever took the reply over has told everyone
            frames = [
                p.assistant_done(
                    self.message_id,
                    status,
                    usage_frame,
                    content_length=self.length,
                    message=error.user_message if error else "",
                )
            ]
            if error is not None:
                frames.append(p.error(error.code, error.user_message, message_id=self.message_id, retryable=True))
            if result.probe is not None:  # an observer's probe was waiting for this reply to end
                await probe_announce(self.chat_id, result.probe, now, *frames)
                return
            if result.question_started:
                frames.append(p.question_started(result.question_started, now))
            if result.completed:
                frames.append(p.interview_completed("finished", now))
            await chat_broadcast(self.chat_id, *frames)
            if result.question_started:
                WATCHER.poke(result.question_started["deadline"])
            if result.window_closed:
                await window_settle(self.chat_id)  # the window closed while this reply was written
        finally:
            await self._control_end(control)
            if REGISTRY.get(self.chat_id) is self:
                del REGISTRY[self.chat_id]

    async def _pump(self) -> None:
        """Send pending text as coalesced delta frames; save the partial text about once a second."""
        window = settings.STREAM_COALESCE_MS / 1000
        interval = settings.STREAM_SAVE_INTERVAL_SECONDS
        while True:
            await self._wake.wait()
            if not self._finished and window > 0:
                await asyncio.sleep(window)
            self._wake.clear()
            if self._pending:
                text = "".join(self._pending)
                self._pending.clear()
                offset = self._flushed
                self._flushed += len(text)
                await chat_delta_broadcast(self.chat_id, p.assistant_delta(self.message_id, offset, text))
            if not self._finished and time.monotonic() - self._last_save >= interval and self.length > self._saved:
                if self._saver is None or self._saver.done():
                    self._saver = asyncio.create_task(self._save_partial())
            if self._finished and not self._pending:
                return

    async def _save_partial(self) -> None:
        text = self.text()
        self._last_save = self._lease_renewed = time.monotonic()
        try:
            owned = await partial_saves().save(PartialSave(chat_id=self.chat_id, message_id=self.message_id, text=text))
            self._saved = len(text)
        except Exception:
            logger.exception("Partial save failed for chat %s", self.chat_id)
            return
        if not owned:
            self._disowned()

    async def _keep_lease(self) -> None:
        """Renew the lease every third of its length when no partial save did (no tokens yet, a stall)."""
        while True:
            period = settings.GENERATION_LEASE_SECONDS / 3
            wait = self._lease_renewed + period - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
                continue
            self._lease_renewed = time.monotonic()
            try:
                owned = await db_background(generation_lease_renew)(
                    chat_id=self.chat_id, message_id=self.message_id, now=timezone.now()
                )
            except Exception:
                logger.exception("Lease renewal failed for chat %s", self.chat_id)
                continue
            if not owned:
                self._disowned()
                return

    async def _control(self) -> None:
        """Answer stop and resync requests sent to the chat's control group."""
        layer = channel_layer()
        channel = self._control_channel = await layer.new_channel()
        group = control_group(self.chat_id)
        await layer.group_add(group, channel)
        try:
            while True:
                message = await layer.receive(channel)
                if message.get("type") == GENERATION_CONTROL_END:
                    return
                if message.get("type") == GENERATION_STOP and message.get("message_id") in (None, self.message_id):
                    self.stop()
                elif message.get("type") == GENERATION_SYNC and message.get("message_id") == self.message_id:
                    await layer.send(
                        message["reply_channel"],
                        {"type": CHAT_FRAME, "frame": self.catch_up(int(message.get("offset", 0)))},
                    )
        finally:
            with contextlib.suppress(Exception):
                await layer.group_discard(group, channel)

    async def _control_end(self, control: asyncio.Task[None]) -> None:
        """End the control loop with a message rather than cancelling it inside the layer's receive.

        channels-redis' core layer shares one receive lock among a process's receivers; cancelling a
        receiver at the wrong moment has been known to break the lock for the others (channels_redis
        #126, #136, #313), which would close other sockets with 1011.
        """
        if self._control_channel is not None and not control.done():
            with contextlib.suppress(Exception):
                await channel_layer().send(self._control_channel, {"type": GENERATION_CONTROL_END})
                await asyncio.wait_for(asyncio.shield(control), timeout=2)
        if not control.done():
            control.cancel()

    def catch_up(self, offset: int) -> dict[str, Any]:
        """A delta carrying everything generated from `offset` on."""
        return p.assistant_delta(self.message_id, offset, self.text()[offset:])


def generation_launch(turn: TurnStart) -> Generation:
    """Start streaming a stored turn in this process; it runs to its end whoever disconnects."""
    generation = Generation(turn)
    REGISTRY[turn.chat_id] = generation
    generation.task = asyncio.create_task(generation.run(), name=f"generation-{turn.chat_id}")
    generation.task.add_done_callback(_log_failure)
    return generation


def _log_failure(task: asyncio.Task[None]) -> None:
    """Retrieve a generation task's exception, so a failure is logged once, with its chat, never lost."""
    if not task.cancelled() and (exc := task.exception()) is not None:
        logger.error("Generation task %s failed", task.get_name(), exc_info=exc)


async def generation_stop(chat_id: int, message_id: str | None = None) -> None:
    """Stop the chat's running generation, in this process or another."""
    local = REGISTRY.get(chat_id)
    if local is not None and message_id in (None, local.message_id):
        local.stop()
        return
    await control_send(chat_id, {"type": GENERATION_STOP, "message_id": message_id})
