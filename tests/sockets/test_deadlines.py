"""The deadline watcher on its own (interview/live/deadlines.py): when it wakes, what it settles, how it survives.

Each test runs the process's watcher on its own loop against real rows, and listens to the chat's
group on the in-memory channel layer for what everyone on the chat would be told.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

import pytest
from channels.db import database_sync_to_async
from django.utils import timezone

from interview.live.groups import chat_group
from interview.models import Chat
from tests.factories import ChatFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("offline_llm", "generations"),
]


@pytest.fixture
def clock(settings):
    """A long sweep, so only a deadline (or a poke) wakes the watcher early; a short grace."""
    settings.DEADLINE_SWEEP_SECONDS = 30
    settings.KEY_QUESTION_GRACE_SECONDS = 0.1
    return settings


@database_sync_to_async
def asked_chat(deadline):
    """An interview whose first of two key questions is asked and runs out at `deadline`."""
    return ChatFactory(
        status=Chat.IN_PROGRESS,
        started_at=timezone.now(),
        current_question_index=0,
        question_deadline=deadline,
        key_questions=[
            {"question": "One?", "time_limit": 60, "status": "asked"},
            {"question": "Two?", "time_limit": 60, "status": "pending"},
        ],
    )


@database_sync_to_async
def first_question_status(chat):
    return Chat.objects.get(pk=chat.pk).key_questions[0]["status"]


async def test_watcher_sleeps_until_the_earliest_deadline(clock, listen, watcher):
    deadline = timezone.now() + timedelta(seconds=0.5)
    chat = await asked_chat(deadline)
    group = await listen(chat_group(chat.pk))
    watcher.poke()  # look at the new row now; the next look is then the deadline, not the sweep
    frames = await group.frames_until("question.expired", timeout=5)
    assert (frames[-1]["index"], timezone.now() >= deadline) == (0, True)


async def test_watcher_woken_by_a_poke_for_a_deadline_set_here(clock, listen, watcher):
    await asyncio.sleep(0.3)  # the first pass is over: asleep for the whole sweep
    deadline = timezone.now() + timedelta(seconds=0.2)
    chat = await asked_chat(deadline)
    group = await listen(chat_group(chat.pk))
    watcher.poke(deadline)
    frames = await group.frames_until("question.expired", timeout=5)  # the sweep alone would take 30 s
    assert frames[-1]["index"] == 0


async def test_watcher_settles_an_overdue_question_once(settings, listen, watcher):
    settings.DEADLINE_SWEEP_SECONDS = 0.05
    settings.KEY_QUESTION_GRACE_SECONDS = 0
    chat = await asked_chat(timezone.now() - timedelta(seconds=5))
    group = await listen(chat_group(chat.pk))
    watcher.poke()
    kinds = [frame["type"] for frame in await group.frames_for(1.0)]  # about twenty passes
    assert (kinds.count("question.expired"), await first_question_status(chat)) == (1, "expired")


async def test_watcher_survives_an_exception_in_one_pass(settings, memory_layer, listen, watcher, monkeypatch, caplog):
    settings.DEADLINE_SWEEP_SECONDS = 0.1
    settings.KEY_QUESTION_GRACE_SECONDS = 0
    first = await asked_chat(timezone.now() - timedelta(seconds=5))
    send = memory_layer.group_send
    failures = []

    async def flaky_group_send(group, message):
        if group == chat_group(first.pk) and not failures:
            failures.append(group)
            raise ConnectionError("the channel layer hiccuped")
        await send(group, message)

    monkeypatch.setattr(memory_layer, "group_send", flaky_group_send)
    watcher.poke()
    for _ in range(50):
        if failures:
            break
        await asyncio.sleep(0.05)
    later = await asked_chat(timezone.now() - timedelta(seconds=5))
    group = await listen(chat_group(later.pk))
    await group.frames_until("question.expired", timeout=5)
    assert ("Deadline watcher pass failed", logging.ERROR) in [(r.getMessage(), r.levelno) for r in caplog.records]
