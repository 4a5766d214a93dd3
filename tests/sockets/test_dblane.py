"""The live database thread: what a user waits for runs before background writes queued earlier."""

import asyncio
import runpy
import threading

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

import live_interview.settings as project_settings
from interview.live import dblane


@pytest.fixture
def one_thread(settings, monkeypatch):
    """A lane of its own with one thread (the SQLite default), whatever database the suite runs on."""
    settings.LIVE_DB_THREADS = 1
    monkeypatch.setattr(dblane, "WORKER", dblane._Worker())


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_urgent_calls_overtake_queued_background_calls(one_thread):
    started, release = threading.Event(), threading.Event()
    order = []

    def blocker():
        started.set()
        release.wait(5)
        order.append("running")

    def record(name):
        order.append(name)
        return name

    running = asyncio.ensure_future(dblane.db_background(blocker)())
    await asyncio.to_thread(started.wait, 5)
    background = [asyncio.ensure_future(dblane.db_background(record)(f"background {i}")) for i in range(3)]
    await asyncio.sleep(0.05)  # all three queued behind the running call
    urgent = asyncio.ensure_future(dblane.db_urgent(record)("urgent"))
    await asyncio.sleep(0.05)
    release.set()
    assert await urgent == "urgent"
    await asyncio.gather(running, *background)
    assert order == ["running", "urgent", "background 0", "background 1", "background 2"]


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_one_thread_runs_every_call_and_errors_reach_the_caller():
    names = {await dblane.db_urgent(lambda: threading.current_thread().name)() for _ in range(3)}
    names |= {await dblane.db_background(lambda: threading.current_thread().name)() for _ in range(3)}
    assert names == {dblane.THREAD_NAME}

    def fail():
        raise ValueError("bad row")

    with pytest.raises(ValueError, match="bad row"):
        await dblane.db_urgent(fail)()
    assert await dblane.db_background(lambda: 42)() == 42  # the thread survived


def test_a_call_made_on_the_lane_thread_runs_inline():
    def outer():
        future = dblane.WORKER.submit(True, lambda: threading.current_thread().name)
        return future.result(timeout=1)  # would wait forever if queued behind this very call

    assert dblane.WORKER.submit(False, outer).result(timeout=5) == dblane.THREAD_NAME


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_two_threads_run_two_calls_at_once(settings, monkeypatch):
    settings.LIVE_DB_THREADS = 2
    monkeypatch.setattr(dblane, "WORKER", dblane._Worker())
    both, release = threading.Barrier(2, timeout=5), threading.Event()

    def meet():
        both.wait()  # breaks (an error) unless the other call runs at the same time
        release.wait(5)
        return threading.current_thread().ident

    calls = [asyncio.ensure_future(dblane.db_urgent(meet)()) for _ in range(2)]
    await asyncio.sleep(0.1)
    release.set()
    idents = await asyncio.gather(*calls)
    assert len(set(idents)) == 2


@pytest.mark.django_db
def test_threads_by_database_unless_configured(settings):
    settings.LIVE_DB_THREADS = 0
    assert dblane.live_db_threads() == (2 if connection.vendor == "postgresql" else 1)
    settings.LIVE_DB_THREADS = 3
    assert dblane.live_db_threads() == 3


@pytest.mark.parametrize("value", ["-1", "17", "two"])
def test_live_db_threads_garbage_fails_fast(monkeypatch, value):
    monkeypatch.setenv("LIVE_DB_THREADS", value)
    with pytest.raises(ImproperlyConfigured, match="LIVE_DB_THREADS"):
        runpy.run_path(project_settings.__file__)
