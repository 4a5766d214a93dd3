"""The live path's database thread: one worker, two queues, the calls a user waits for first.

Channels' `database_sync_to_async` runs every call of a process on one thread-sensitive thread,
first in, first out. Under load an answer's `answer_submit` — the only database call between the
candidate's answer and the request to the model — waited there behind every other socket's partial
saves and finishes (docs/performance.md, issue 23). The live path's calls now run on a thread of
their own with two queues: `urgent` (what a user is waiting for: starting or ending a turn, a
socket's snapshot, an observer's action) is always taken before `background` (partial saves, lease
renewals, the deadline watcher's and the access guard's passes). A call already running is never
interrupted, so an urgent call waits for at most one call.

On SQLite one thread (`LIVE_DB_THREADS`) keeps what channels' single thread gave: one writer from the
live path, whose statements are CPU in this process anyway. On PostgreSQL two threads: most of a call's
time is waiting for the server's replies (5 of 8 ms for an answer at S=50), and the rows a call changes
are locked (`select_for_update`), as between server processes. Calls made on a lane thread (a nested
call) run inline, so the lane can never wait on itself.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Awaitable, Callable
from concurrent.futures import Executor, Future
from typing import Any, ParamSpec, TypeVar, cast

from channels.db import database_sync_to_async
from django.conf import settings
from django.db import connections

_P = ParamSpec("_P")
_R = TypeVar("_R")

THREAD_NAME = "live-db"


class _Worker:
    """Daemon threads (`LIVE_DB_THREADS`, started on first use) draining the urgent queue before the background one."""

    def __init__(self) -> None:
        self._queues: tuple[deque[tuple[Future[Any], Callable[[], Any]]], ...] = (deque(), deque())
        self._ready = threading.Condition()
        self._threads: list[threading.Thread] = []
        self._lock = threading.Lock()

    def submit(self, urgent: bool, call: Callable[[], Any]) -> Future[Any]:
        future: Future[Any] = Future()
        if threading.current_thread() in self._threads:  # nested: a worker is this thread
            _run(future, call)
            return future
        self._ensure_threads()
        with self._ready:
            self._queues[0 if urgent else 1].append((future, call))
            self._ready.notify()
        return future

    def _ensure_threads(self) -> None:
        if self._threads and all(thread.is_alive() for thread in self._threads):
            return
        with self._lock:
            self._threads = [thread for thread in self._threads if thread.is_alive()]
            for _ in range(live_db_threads() - len(self._threads)):
                thread = threading.Thread(target=self._run, name=THREAD_NAME, daemon=True)
                thread.start()
                self._threads.append(thread)

    def _run(self) -> None:
        urgent, background = self._queues
        while True:
            with self._ready:
                while not urgent and not background:
                    self._ready.wait()
                future, call = urgent.popleft() if urgent else background.popleft()
            _run(future, call)


def live_db_threads() -> int:
    """`LIVE_DB_THREADS`, or by database: 1 on SQLite (one writer; its statements are CPU in this process),
    2 on PostgreSQL (a call mostly waits for the server's replies, and another call can run meanwhile)."""
    configured = settings.LIVE_DB_THREADS
    if configured:
        return configured
    return 2 if connections["default"].vendor == "postgresql" else 1


def _run(future: Future[Any], call: Callable[[], Any]) -> None:
    if not future.set_running_or_notify_cancel():
        return
    try:
        result = call()
    except BaseException as exc:  # handed to the awaiting coroutine, which re-raises it
        future.set_exception(exc)
    else:
        future.set_result(result)


WORKER = _Worker()


class _Lane(Executor):
    """An executor facade submitting to the shared worker at one priority."""

    def __init__(self, *, urgent: bool) -> None:
        self.urgent = urgent

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        return WORKER.submit(self.urgent, lambda: fn(*args, **kwargs))


URGENT = _Lane(urgent=True)
BACKGROUND = _Lane(urgent=False)


def _on(lane: _Lane, func: Callable[_P, _R]) -> Callable[_P, Awaitable[_R]]:
    return cast(
        Callable[_P, Awaitable[_R]], database_sync_to_async(func, thread_sensitive=False, executor=cast(Any, lane))
    )


def db_urgent(func: Callable[_P, _R]) -> Callable[_P, Awaitable[_R]]:
    """`database_sync_to_async` on the live thread, ahead of background calls: a user waits for this one."""
    return _on(URGENT, func)


def db_background(func: Callable[_P, _R]) -> Callable[_P, Awaitable[_R]]:
    """`database_sync_to_async` on the live thread, after every urgent call: nobody waits for it now."""
    return _on(BACKGROUND, func)
