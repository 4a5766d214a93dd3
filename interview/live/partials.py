"""Partial saves of this process's streaming replies, written together (a group commit).

Each generation saves the text it has so far about once a second of streaming (it also renews its
lease). Saved one by one, that was a database call, a transaction and a hand-off between the event
loop and the database thread per streaming chat per second: at 50 streaming chats, 50 calls a second
queued on the one live database thread. A save now joins the process's next batch: the first one
waits `GATHER_SECONDS` for others, and the batch is one background call on the live database thread
(interview/live/dblane.py) with one locking read and one UPDATE (`generation_save_partials`). A
batch that fails fails each of its saves, as one failed save did before; the next save tries again.
"""

from __future__ import annotations

import asyncio
import weakref

from django.utils import timezone

from interview.interviews.services import PartialSave, generation_save_partials
from interview.live.dblane import db_background

# How long the first save of a batch waits for others: a partial save lands at most this much later.
GATHER_SECONDS = 0.2


class PartialSaves:
    """One event loop's batch of waiting partial saves, and the task that writes it."""

    def __init__(self) -> None:
        self._waiting: list[tuple[PartialSave, asyncio.Future[bool]]] = []
        self._task: asyncio.Task[None] | None = None

    async def save(self, save: PartialSave) -> bool:
        """Save with the next batch; True while the generation still owns its message."""
        future: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self._waiting.append((save, future))
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._write(), name="partial-saves")
        return await future

    async def _write(self) -> None:
        while self._waiting:
            await asyncio.sleep(GATHER_SECONDS)
            batch = [(save, future) for save, future in self._waiting if not future.done()]
            self._waiting = []
            if not batch:
                continue
            try:
                owned = await db_background(generation_save_partials)([save for save, _ in batch], now=timezone.now())
            except Exception as exc:  # every save of the batch failed; each generation logs it and saves again
                for _, future in batch:
                    if not future.done():
                        future.set_exception(exc)
                continue
            for (_, future), ok in zip(batch, owned, strict=True):
                if not future.done():
                    future.set_result(ok)


_BATCHES: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, PartialSaves] = weakref.WeakKeyDictionary()


def partial_saves() -> PartialSaves:
    """The running event loop's batch (one per process when served; tests run several loops)."""
    loop = asyncio.get_running_loop()
    batches = _BATCHES.get(loop)
    if batches is None:
        batches = _BATCHES[loop] = PartialSaves()
    return batches
