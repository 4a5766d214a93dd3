"""The product's ASGI application plus what only the benchmark needs: database and collector counters.

Every database connection the server opens gets an execute wrapper that counts statements, and
INSERT, UPDATE and DELETE statements by table; a gc callback times the collector's pauses.
`GET /__bench__/stats` returns the counts. With `BENCH_DB_TIMING=1` every database call is timed
(bench/dbtiming.py) and `GET /__bench__/dbcalls?since=<n>` returns the calls recorded from n on. Nothing here is loaded by
the product (`live_interview.asgi` is); the benchmark starts daphne or uvicorn on `bench.asgi:application`.
"""

from __future__ import annotations

import gc
import os
import re
import sys
import threading
import time
from collections import Counter
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "live_interview.settings")

import orjson
from django.db.backends.signals import connection_created

from bench import dbtiming
from live_interview.asgi import application as product_application

DB_TIMING = os.environ.get("BENCH_DB_TIMING") == "1"
if DB_TIMING:
    dbtiming.install()
# An experiment's knob (--server-env BENCH_SWITCH_INTERVAL=0.001): how long a thread may hold the GIL while
# another waits for it (Python's default 5 ms), to see what the database thread costs the event loop.
if switch := os.environ.get("BENCH_SWITCH_INTERVAL"):
    sys.setswitchinterval(float(switch))

WRITES: Counter[str] = Counter()
STATEMENTS = [0]  # every statement, reads and transaction control included
_lock = threading.Lock()
_TABLE = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?([A-Za-z0-9_]+)"?', re.IGNORECASE)


def _count_writes(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
    match = _TABLE.match(sql)
    with _lock:
        STATEMENTS[0] += 1
        if match is not None:
            WRITES[match.group(1)] += 1
    return execute(sql, params, many, context)


def _install(sender: Any, connection: Any, **kwargs: Any) -> None:
    if _count_writes not in connection.execute_wrappers:
        connection.execute_wrappers.append(_count_writes)
        if DB_TIMING:
            connection.execute_wrappers.append(dbtiming.time_statement)


connection_created.connect(_install, weak=False)

# Garbage-collector pauses by generation: [count, total seconds, longest seconds].
GC_PAUSES: dict[int, list[float]] = {0: [0, 0.0, 0.0], 1: [0, 0.0, 0.0], 2: [0, 0.0, 0.0]}
_gc_started = 0.0


def _gc_timer(phase: str, info: dict[str, int]) -> None:
    global _gc_started
    if phase == "start":
        _gc_started = time.perf_counter()
        return
    pause = time.perf_counter() - _gc_started
    record = GC_PAUSES[info["generation"]]
    record[0] += 1
    record[1] += pause
    record[2] = max(record[2], pause)


gc.callbacks.append(_gc_timer)


async def application(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """Answer the benchmark's stats paths; everything else goes to the product."""
    if scope["type"] == "http" and scope["path"] == "/__bench__/dbcalls":
        query = scope.get("query_string", b"").decode()
        since = int(query.partition("since=")[2] or 0) if "since=" in query else 0
        end, samples = dbtiming.samples_since(since)
        await _json(send, {"next": end, "samples": samples})
        return
    if scope["type"] == "http" and scope["path"] == "/__bench__/stats":
        with _lock:
            writes, statements = dict(WRITES), STATEMENTS[0]
        gc_pauses = {str(gen): list(record) for gen, record in GC_PAUSES.items()}
        body = {
            "pid": os.getpid(),
            "writes": writes,
            "total_writes": sum(writes.values()),
            "statements": statements,
            "gc": gc_pauses,
            "db_calls": len(dbtiming.SAMPLES),
        }
        await _json(send, body)
        return
    await product_application(scope, receive, send)


async def _json(send: Any, body: dict[str, Any]) -> None:
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"application/json")]})
    await send({"type": "http.response.body", "body": orjson.dumps(body)})
