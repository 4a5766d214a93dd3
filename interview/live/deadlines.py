"""Server-side key-question deadlines and time windows: expire what is overdue and move the interview on.

Each server process runs one watcher on its event loop. It sleeps until the earliest stored
deadline (plus grace), or a short sweep interval, whichever comes first, so it also settles
deadlines set by other processes or before a restart. Settling is a conditional write
(`question_expire`), so when several processes race, exactly one applies each expiry.

Each pass also looks for generation leases that have expired (a reply whose server process died):
such a reply is marked failed, so the candidate can retry at once, and the time lost is given back
to the interview (`generation_orphan_recover`).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone

from interview.core.errors import ErrorCode
from interview.interviews.services import (
    Recovery,
    TurnStart,
    generation_orphan_recover,
    interview_window_close,
    question_expire,
)
from interview.interviews.steering import ResumeResult, interview_resume
from interview.live import protocol as p
from interview.live.dblane import db_background, db_urgent
from interview.live.groups import chat_broadcast
from interview.models import Chat

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Due:
    """What one watcher pass settles, and the next moment anything falls due."""

    orphaned: list[int]
    overdue: list[tuple[int, int | None]]
    closed: list[int]
    pauses: list[int]
    upcoming: datetime | None


def _overdue_and_next(now: datetime) -> Due:
    """Chats whose generation lease expired, overdue key questions, closed windows, pauses past their
    maximum, and the next moment anything falls due. No clock of a paused chat falls due."""
    orphaned = list(Chat.objects.filter(generation_lease_until__lt=now).values_list("pk", flat=True))
    grace = timedelta(seconds=settings.KEY_QUESTION_GRACE_SECONDS)
    longest = timedelta(seconds=settings.PAUSE_MAX_SECONDS)
    paused = Chat.objects.filter(status=Chat.IN_PROGRESS, paused_at__isnull=False)
    pauses = list(paused.filter(paused_at__lte=now - longest).values_list("pk", flat=True))
    next_resume = paused.order_by("paused_at").values_list("paused_at", flat=True).first()
    running = Chat.objects.filter(status=Chat.IN_PROGRESS, paused_at__isnull=True)
    timed = running.filter(question_deadline__isnull=False)
    overdue = list(timed.filter(question_deadline__lt=now - grace).values_list("pk", "current_question_index"))
    windowed = running.filter(ends_at__isnull=False)
    closed = list(windowed.filter(ends_at__lt=now - grace).values_list("pk", flat=True))
    upcoming = [
        timed.filter(question_deadline__gte=now - grace)
        .order_by("question_deadline")
        .values_list("question_deadline", flat=True)
        .first(),
        windowed.filter(ends_at__gte=now - grace).order_by("ends_at").values_list("ends_at", flat=True).first(),
        # Less the grace the watcher adds to every moment: a pause ends right at its maximum.
        next_resume + longest - grace if next_resume is not None else None,
    ]
    return Due(orphaned, overdue, closed, pauses, min((u for u in upcoming if u is not None), default=None))


def recovery_frames(recovery: Recovery, now: datetime) -> list[dict[str, Any]]:
    """What everyone on the chat is told about a reply found orphaned: it failed, retry; time given back."""
    frames: list[dict[str, Any]] = []
    if recovery.message_id is not None:
        frames.append(
            p.assistant_done(recovery.message_id, "error", None, content_length=recovery.length, message=recovery.error)
        )
        frames.append(p.error(ErrorCode.INTERRUPTED, recovery.error, message_id=recovery.message_id, retryable=True))
    if recovery.question is not None:
        seconds = round(recovery.lost_seconds)
        question = recovery.question
        frames.append(p.question_extended(question["index"], question["deadline"], seconds, now, question))
    return frames


async def orphan_settle(chat_id: int, now: datetime | None = None) -> bool:
    """Fail the chat's reply if its generation's lease expired and tell everyone; never one running here."""
    if WATCHER.running(chat_id):
        return False  # alive in this process (a late renewal): it renews or finishes on its own
    now = now or timezone.now()
    recovery = await db_urgent(generation_orphan_recover)(chat_id=chat_id, now=now)
    if recovery is None:
        return False
    logger.warning(
        "Chat %s: the reply's generation died; marked failed, %.1f s given back", chat_id, recovery.lost_seconds
    )
    await chat_broadcast(chat_id, *recovery_frames(recovery, now))
    return True


async def window_settle(chat_id: int, now: datetime | None = None) -> bool:
    """Close an interview whose time window has passed and tell everyone."""
    now = now or timezone.now()
    if not await db_urgent(interview_window_close)(chat_id=chat_id, now=now):
        return False
    await chat_broadcast(chat_id, p.interview_completed("time_window_closed", now))
    return True


async def question_settle(chat_id: int, index: int, now: datetime | None = None) -> bool:
    """Expire key question `index` if it is overdue, tell everyone and start the next turn."""
    now = now or timezone.now()
    result = await db_urgent(question_expire)(chat_id=chat_id, index=index, now=now)
    if result is None:
        return False
    frames = [p.question_expired(result.index, now, result.follow_up)]
    if result.turn is not None:
        frames.extend(p.message_created(message, "") for message in result.turn.created)
    await chat_broadcast(chat_id, *frames)
    if result.turn is not None:
        WATCHER.launch(result.turn)
    return True


async def pause_settle(chat_id: int, now: datetime | None = None) -> bool:
    """End a pause that lasted PAUSE_MAX_SECONDS (reason "auto") and tell everyone; False if none did."""
    now = now or timezone.now()
    result = await db_urgent(interview_resume)(chat_id=chat_id, now=now, auto=True)
    if result is None:
        return False
    await resume_announce(chat_id, result, now)
    return True


async def resume_announce(chat_id: int, result: ResumeResult, now: datetime) -> None:
    """Tell everyone the clocks run again (the running question's new deadline) and wake the watcher."""
    await chat_broadcast(chat_id, p.interview_resumed(result.reason, result.seconds, now, result.question))
    WATCHER.poke()


async def chat_settle(chat_id: int) -> None:
    """Settle the chat's orphaned reply, overdue question or closed window, if any (run on every connect)."""
    fields = ("question_deadline", "current_question_index", "status", "ends_at", "generation_lease_until", "paused_at")
    chat = await db_urgent(Chat.objects.filter(pk=chat_id).values(*fields).first)()
    if not chat:
        return
    now = timezone.now()
    lease = chat["generation_lease_until"]
    if lease is not None and lease < now and await orphan_settle(chat_id, now):
        chat = await db_urgent(Chat.objects.filter(pk=chat_id).values(*fields).first)()
    if not chat or chat["status"] != Chat.IN_PROGRESS:
        return
    if chat["paused_at"] is not None:
        await pause_settle(chat_id, now)  # no clock is settled while paused: the watcher comes back after a resume
        return
    grace = timedelta(seconds=settings.KEY_QUESTION_GRACE_SECONDS)
    if chat["question_deadline"] is not None and now > chat["question_deadline"] + grace:
        await question_settle(chat_id, chat["current_question_index"], now)
    if chat["ends_at"] is not None and now > chat["ends_at"] + grace:
        await window_settle(chat_id, now)


def _unwired(*args: Any) -> Any:
    raise RuntimeError("The deadline watcher was not handed the generations (interview/live/__init__.py does).")


class DeadlineWatcher:
    """The process's loop that expires overdue key questions.

    It is handed what it calls of this process's generations (`configure`) rather than importing
    them: generation.py imports this module to wake the watcher, so the reverse import would be a cycle.
    """

    def __init__(self) -> None:
        # Start a stored turn's generation; whether a chat's generation runs in this process.
        self.launch: Callable[[TurnStart], object] = _unwired
        self.running: Callable[[int], bool] = _unwired
        self._task: asyncio.Task[None] | None = None
        self._wake: asyncio.Event | None = None
        # When the sleeping watcher looks next; None while a pass runs (a poke then always wakes it).
        self._next_look: datetime | None = None

    def configure(self, *, launch: Callable[[TurnStart], object], running: Callable[[int], bool]) -> None:
        """Hand the watcher what it calls of the generations; done once, when interview.live is imported."""
        self.launch = launch
        self.running = running

    def ensure_started(self) -> None:
        """Start the watcher on the running event loop, once per loop."""
        loop = asyncio.get_running_loop()
        if self._task is not None and not self._task.done() and self._task.get_loop() is loop:
            return
        self._wake = asyncio.Event()
        self._task = loop.create_task(self._run(), name="deadline-watcher")

    def poke(self, due: datetime | None = None) -> None:
        """Wake the watcher now (a deadline was set or moved in this process).

        With `due`, the new deadline, the watcher is left asleep when it looks again by then anyway:
        every turn sets a deadline, and a pass per turn cost four queries for nothing.
        """
        if self._wake is None or self._task is None or self._task.done():
            return
        if due is not None and self._next_look is not None:
            if due + timedelta(seconds=settings.KEY_QUESTION_GRACE_SECONDS) >= self._next_look:
                return
        self._wake.set()

    async def _run(self) -> None:
        grace = settings.KEY_QUESTION_GRACE_SECONDS
        while True:
            sleep_for = settings.DEADLINE_SWEEP_SECONDS
            try:
                now = timezone.now()
                due = await db_background(_overdue_and_next)(now)
                for chat_id in due.orphaned:
                    await orphan_settle(chat_id, now)
                for chat_id in due.pauses:
                    await pause_settle(chat_id, now)
                for chat_id, index in due.overdue:
                    if index is not None:
                        await question_settle(chat_id, index, now)
                for chat_id in due.closed:
                    await window_settle(chat_id, now)
                upcoming = due.upcoming
                if upcoming is not None:
                    until = (upcoming - timezone.now()).total_seconds() + grace + 0.02
                    sleep_for = max(0.02, min(sleep_for, until))
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception("Deadline watcher pass failed")
            assert self._wake is not None
            self._next_look = timezone.now() + timedelta(seconds=sleep_for)
            try:
                await asyncio.wait_for(self._wake.wait(), timeout=sleep_for)
            except TimeoutError:
                pass
            self._next_look = None
            self._wake.clear()

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except (asyncio.CancelledError, Exception):
                pass
            self._task = None


WATCHER = DeadlineWatcher()
