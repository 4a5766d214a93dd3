"""The pooled SQLite backend (live_interview/sqlite): reuse without carrying state to the next user."""

from __future__ import annotations

import os

import pytest
from django.db.utils import ConnectionHandler

from live_interview.sqlite.base import clear_pools


@pytest.fixture
def handler(tmp_path, django_db_blocker):
    """Connections of their own on a temporary file, so the test database is never touched."""

    def make(pool_size: int = 2, name: str = "pooled.sqlite3"):
        settings = {
            "ENGINE": "live_interview.sqlite",
            "NAME": str(tmp_path / name),
            "POOL_SIZE": pool_size,
            "OPTIONS": {"init_command": "PRAGMA journal_mode=WAL;", "transaction_mode": "IMMEDIATE"},
        }
        connections = ConnectionHandler({"default": settings})
        made.append(connections)
        return connections["default"]

    made: list[ConnectionHandler] = []
    with django_db_blocker.unblock():
        yield make
        for connections in made:
            connections.close_all()
    clear_pools()


def _raw(wrapper):
    wrapper.ensure_connection()
    return wrapper.connection


def test_close_hands_the_connection_to_the_next_wrapper(handler):
    first = handler()
    raw = _raw(first)
    first.close()
    assert first.connection is None
    second = handler()
    assert _raw(second) is raw
    with second.cursor() as cursor:
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)


def test_a_connection_closed_inside_a_transaction_is_rolled_back(handler):
    wrapper = handler()
    with wrapper.cursor() as cursor:
        cursor.execute("CREATE TABLE t (x INTEGER)")
    raw = _raw(wrapper)
    raw.execute("BEGIN")
    raw.execute("INSERT INTO t VALUES (1)")
    assert raw.in_transaction
    wrapper.close()
    assert not raw.in_transaction

    again = handler()
    assert _raw(again) is raw
    with again.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM t")
        assert cursor.fetchone() == (0,)


def test_foreign_keys_are_on_again_for_the_next_user(handler):
    wrapper = handler()
    raw = _raw(wrapper)
    raw.execute("PRAGMA foreign_keys = OFF")
    wrapper.close()
    again = handler()
    assert _raw(again) is raw
    with again.cursor() as cursor:
        cursor.execute("PRAGMA foreign_keys")
        assert cursor.fetchone() == (1,)


def test_a_replaced_database_file_is_not_served_from_the_pool(handler, tmp_path):
    wrapper = handler()
    with wrapper.cursor() as cursor:
        cursor.execute("CREATE TABLE old (x INTEGER)")
    raw = _raw(wrapper)
    wrapper.close()
    for suffix in ("", "-wal", "-shm"):
        path = tmp_path / f"pooled.sqlite3{suffix}"
        if path.exists():
            os.remove(path)

    fresh = handler()
    assert _raw(fresh) is not raw
    with fresh.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE name = 'old'")
        assert cursor.fetchone() is None


def test_the_pool_keeps_at_most_its_size(handler):
    wrappers = [handler(pool_size=1) for _ in range(3)]
    raws = [_raw(wrapper) for wrapper in wrappers]
    for wrapper in wrappers:
        wrapper.close()
    reused = [_raw(handler(pool_size=1)) for _ in range(2)]
    assert reused[0] in raws
    assert reused[1] not in raws  # only one idle connection was kept; the others were closed


def test_pool_size_zero_closes_for_real(handler):
    wrapper = handler(pool_size=0)
    raw = _raw(wrapper)
    wrapper.close()
    assert _raw(handler(pool_size=0)) is not raw
