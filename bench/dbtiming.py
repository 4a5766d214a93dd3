"""Where a database call's time goes, in the server under test (`--db-timing`, `BENCH_DB_TIMING=1`).

Every `database_sync_to_async` call is timed in four parts: *wait* (called on the event loop →
started on the database thread: the queue in front of the one thread-sensitive thread), *run* (on
the thread, connection handling included), of which *statements* (inside the cursor's execute), and
*resume* (finished on the thread → the awaiting coroutine running again: the event loop's delay).
*cpu* is the database thread's own CPU time during *run*: run − cpu is time the thread was ready but
not running (waiting for the GIL or for a core) or blocked (the disk, the database server).
`depth` is how many database calls were queued or running when the call was made.

`install()` patches channels' `DatabaseSyncToAsync.__call__` and the event loop's `run_in_executor`
(only for calls made inside a timed database call). bench.asgi installs it only when asked, so
the product and untimed runs pay nothing. `summarise()` is pure: the load generator's side.
"""

from __future__ import annotations

import asyncio
import contextvars
import threading
import time
from typing import Any

# One record per call: [called, started, ended, statement seconds, statements, name, depth, resumed, cpu].
CALLED, STARTED, ENDED, STMT_S, STMTS, NAME, DEPTH, RESUMED, CPU = range(9)
SAMPLES: list[list[Any]] = []
_current: contextvars.ContextVar[list[Any] | None] = contextvars.ContextVar("bench_db_call", default=None)
_thread = threading.local()
_in_flight = [0]


def _name(func: Any) -> str:
    inner = getattr(func, "__func__", func)
    return getattr(inner, "__qualname__", None) or repr(inner)[:60]


def install() -> None:
    """Time every database_sync_to_async call of this process from now on."""
    from channels.db import DatabaseSyncToAsync

    original_call = DatabaseSyncToAsync.__call__
    original_run_in_executor = asyncio.base_events.BaseEventLoop.run_in_executor

    async def timed_call(self: Any, *args: Any, **kwargs: Any) -> Any:
        record = [time.perf_counter(), 0.0, 0.0, 0.0, 0, _name(self.func), _in_flight[0], 0.0, 0.0]
        _in_flight[0] += 1
        token = _current.set(record)
        try:
            return await original_call(self, *args, **kwargs)
        finally:
            _current.reset(token)
            record[RESUMED] = time.perf_counter()
            SAMPLES.append(record)

    def run_in_executor(self: Any, executor: Any, func: Any, *args: Any) -> Any:
        record = _current.get()
        if record is None or record[STARTED]:
            return original_run_in_executor(self, executor, func, *args)

        def timed() -> Any:
            record[STARTED] = time.perf_counter()
            cpu = time.thread_time()
            _thread.record = record
            try:
                return func(*args)
            finally:
                _thread.record = None
                record[CPU] = time.thread_time() - cpu
                record[ENDED] = time.perf_counter()
                _in_flight[0] -= 1

        return original_run_in_executor(self, executor, timed)

    DatabaseSyncToAsync.__call__ = timed_call  # type: ignore[method-assign]
    asyncio.base_events.BaseEventLoop.run_in_executor = run_in_executor  # type: ignore[method-assign]


def time_statement(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
    """A connection execute wrapper adding each statement's time to the database call running it."""
    record = getattr(_thread, "record", None)
    if record is None:
        return execute(sql, params, many, context)
    started = time.perf_counter()
    try:
        return execute(sql, params, many, context)
    finally:
        record[STMT_S] += time.perf_counter() - started
        record[STMTS] += 1


def samples_since(index: int) -> tuple[int, list[list[Any]]]:
    """The calls recorded from `index` on, and the next index."""
    end = len(SAMPLES)
    return end, SAMPLES[index:end]


def _pct(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return round(1000 * ordered[min(len(ordered) - 1, int(q / 100 * len(ordered)))], 2)


def _mean(values: list[float]) -> float | None:
    return round(1000 * sum(values) / len(values), 2) if values else None


def summarise(samples: list[list[Any]], *, start: float, end: float) -> dict[str, Any]:
    """Per function and overall: calls, wait/run/statements/resume percentiles (ms) and the thread's busy share.

    Only calls made within [start, end] count (perf_counter is CLOCK_MONOTONIC: the same clock in
    the server and the generator).
    """
    window = [s for s in samples if start <= s[CALLED] <= end and s[STARTED] and s[ENDED]]
    groups: dict[str, list[list[Any]]] = {"all": window}
    for sample in window:
        groups.setdefault(sample[NAME], []).append(sample)
    seconds = max(end - start, 1e-9)
    out: dict[str, Any] = {}
    for name, group in sorted(groups.items(), key=lambda item: -len(item[1])):
        wait = [s[STARTED] - s[CALLED] for s in group]
        run = [s[ENDED] - s[STARTED] for s in group]
        # A call cancelled while queued or running "resumes" before it ends: no resume time.
        resume = [s[RESUMED] - s[ENDED] for s in group if s[RESUMED] >= s[ENDED]]
        out[name] = {
            "calls_per_second": round(len(group) / seconds, 1),
            "wait_ms": {"p50": _pct(wait, 50), "p99": _pct(wait, 99), "max": _pct(wait, 100)},
            "run_ms": {"p50": _pct(run, 50), "p99": _pct(run, 99)},
            "cpu_ms": {"p50": _pct([s[CPU] for s in group], 50), "mean": _mean([s[CPU] for s in group])},
            "statements_ms_mean": round(1000 * sum(s[STMT_S] for s in group) / len(group), 2) if group else None,
            "statements_per_call": round(sum(s[STMTS] for s in group) / len(group), 2) if group else None,
            "resume_ms": {"p50": _pct(resume, 50), "p99": _pct(resume, 99)},
            "depth_mean": round(sum(s[DEPTH] for s in group) / len(group), 2) if group else None,
            "thread_busy_fraction": round(sum(run) / seconds, 3),
        }
    return out
