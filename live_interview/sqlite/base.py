"""SQLite with a small connection pool: Django's SQLite backend, minus a connect and close per call.

Django opens a fresh SQLite connection for every `database_sync_to_async` call and every request
(`CONN_MAX_AGE = 0`, which ASGI needs because connections belong to each task's context) and closes
it afterwards. For SQLite that is not free: each open registers Django's SQL functions and runs the
PRAGMAs, and closing the last connection checkpoints the write-ahead log and deletes it, so the next
commit recreates it. Under streaming load that was two thirds of the database thread's time
(docs/performance.md). PostgreSQL has psycopg's pool for the same reason; this is the SQLite
counterpart: `close()` hands the connection back to a per-file pool and the next connection is
taken from it.

A pooled connection is only ever idle: it is rolled back before it goes back (a connection closed in
the middle of a transaction must not carry it to the next user), it re-asserts the PRAGMAs Django
may have switched off (foreign keys), and it is discarded when the database file it was opened on
has been replaced or deleted (test databases are recreated under the same name). In-memory
databases are not pooled: Django never closes them anyway.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections import deque
from typing import Any

from django.db.backends.sqlite3 import base
from django.utils.asyncio import async_unsafe

# How many idle connections each database file keeps; 0 turns pooling off.
DEFAULT_POOL_SIZE = 8


def _identity(path: str) -> tuple[int, int] | None:
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return stat.st_dev, stat.st_ino


class _Pool:
    """Idle connections to one database file, with the file identity each was opened on."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.lock = threading.Lock()
        self.idle: deque[tuple[sqlite3.Connection, tuple[int, int] | None]] = deque()

    def take(self, identity: tuple[int, int] | None) -> sqlite3.Connection | None:
        stale = []
        try:
            with self.lock:
                while self.idle:
                    connection, opened_on = self.idle.pop()
                    if identity is not None and opened_on == identity:
                        return connection
                    stale.append(connection)
            return None
        finally:
            for connection in stale:
                connection.close()

    def give(self, connection: sqlite3.Connection, identity: tuple[int, int] | None) -> bool:
        if identity is None:
            return False
        with self.lock:
            if len(self.idle) >= self.size:
                return False
            self.idle.append((connection, identity))
            return True

    def clear(self) -> None:
        with self.lock:
            idle, self.idle = list(self.idle), deque()
        for connection, _ in idle:
            connection.close()


_pools: dict[str, _Pool] = {}
_pools_lock = threading.Lock()


def _pool(path: str, size: int) -> _Pool:
    with _pools_lock:
        pool = _pools.get(path)
        if pool is None:
            pool = _pools[path] = _Pool(size)
        return pool


def clear_pools() -> None:
    """Close every idle pooled connection (tests that delete a database file call this)."""
    with _pools_lock:
        pools = list(_pools.values())
    for pool in pools:
        pool.clear()


class DatabaseWrapper(base.DatabaseWrapper):
    def _pool_size(self) -> int:
        return int(self.settings_dict.get("POOL_SIZE", DEFAULT_POOL_SIZE) or 0)

    def _pooled(self) -> bool:
        return self._pool_size() > 0 and not self.is_in_memory_db()

    @async_unsafe
    def get_new_connection(self, conn_params: dict[str, Any]) -> sqlite3.Connection:
        if self._pooled():
            path = conn_params["database"]
            identity = _identity(path)
            connection = _pool(path, self._pool_size()).take(identity)
            if connection is None:
                connection = super().get_new_connection(conn_params)
                identity = _identity(path)  # the open may have created the file
            else:
                # Django turns foreign keys off around some schema changes; never hand that on.
                connection.execute("PRAGMA foreign_keys = ON")
            self._pool_key = (path, identity)
            return connection
        return super().get_new_connection(conn_params)

    def _close(self) -> None:
        connection = self.connection
        if connection is None or not self._pooled():
            return super()._close()  # type: ignore[misc]  # private in Django, absent from the stubs
        with self.wrap_database_errors:
            if connection.in_transaction:
                connection.rollback()
            path, identity = getattr(self, "_pool_key", (None, None))
            if path is None or not _pool(path, self._pool_size()).give(connection, identity):
                connection.close()
