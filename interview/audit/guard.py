"""The database side of "append-only": what lets the trigger of migration 0011 allow a delete.

The trigger refuses every UPDATE of an audit row (except clearing `actor_id` / `subject_id` when their
user is deleted) and every DELETE, except a delete of a row created at or before the purge cutoff that
`purge_window` opened for this transaction (the retention purge):
- PostgreSQL: the transaction-local setting `interview.audit_purge_before` (an ISO timestamp), read by
  the trigger function `interview_auditevent_guard()`.
- SQLite: the function `audit_delete_allowed(created_at)`, registered on each of our connections and
  answering from this thread's window. A connection without it (the sqlite3 shell) cannot delete at all.
A statement trigger on PostgreSQL also refuses TRUNCATE unless the session setting
`interview.audit_flush` is "on". `flush_allowed` opens both engines for `manage.py flush` (our
override, interview/management/commands/flush.py, which allows it only under DEBUG or the test runner:
the test runner flushes the database between transactional tests).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from django.db import connection
from django.db.backends.signals import connection_created
from django.dispatch import receiver

PG_SETTING = "interview.audit_purge_before"
PG_FLUSH_SETTING = "interview.audit_flush"
PG_ERASURE_SETTING = "interview.audit_erasure"
_state = threading.local()


def _sqlite_delete_allowed(created_at: str | None) -> int:
    if getattr(_state, "flushing", False):
        return 1
    cutoff: datetime | None = getattr(_state, "purge_before", None)
    if cutoff is None or created_at is None:
        return 0
    stored = datetime.fromisoformat(created_at)
    stored = stored if stored.tzinfo else stored.replace(tzinfo=UTC)
    return int(stored <= cutoff)


def _sqlite_erasure_allowed() -> int:
    return int(bool(getattr(_state, "erasing", False)))


@receiver(connection_created, dispatch_uid="audit.register_sqlite_guard")
def register_sqlite_guard(sender: Any, connection: Any, **kwargs: Any) -> None:
    """On every new SQLite connection, register the function the audit trigger asks before a delete."""
    if connection.vendor == "sqlite":
        connection.connection.create_function("audit_delete_allowed", 1, _sqlite_delete_allowed, deterministic=False)
        connection.connection.create_function("audit_erasure_allowed", 0, _sqlite_erasure_allowed, deterministic=False)


@contextmanager
def purge_window(cutoff: datetime) -> Iterator[None]:
    """Inside a transaction: let this connection delete audit rows created at or before `cutoff`."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config(%s, %s, true)", [PG_SETTING, cutoff.isoformat()])
        yield
        # Closed for the rest of the transaction (it ends with it anyway; after an error nothing runs here).
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config(%s, '', true)", [PG_SETTING])
        return
    _state.purge_before = cutoff
    try:
        yield
    finally:
        _state.purge_before = None


@contextmanager
def flush_allowed() -> Iterator[None]:
    """While the whole database is flushed: let it empty the audit table too (DELETE on SQLite, TRUNCATE on PostgreSQL)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config(%s, 'on', false)", [PG_FLUSH_SETTING])
        try:
            yield
        finally:
            if not connection.needs_rollback:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT set_config(%s, '', false)", [PG_FLUSH_SETTING])
        return
    _state.flushing = True
    try:
        yield
    finally:
        _state.flushing = False


@contextmanager
def erasure_window() -> Iterator[None]:
    """Inside a transaction: let this connection anonymise audit rows (migration 0013 admits only the
    anonymised values: actor_label "erased user", no ip, no user agent, detail {"erased": true}, target_id "")."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config(%s, 'on', true)", [PG_ERASURE_SETTING])
        yield
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config(%s, '', true)", [PG_ERASURE_SETTING])
        return
    _state.erasing = True
    try:
        yield
    finally:
        _state.erasing = False
