"""The deadline watcher is handed the generations it starts, rather than importing them."""

from __future__ import annotations

import pytest

from interview.live.deadlines import WATCHER, DeadlineWatcher
from interview.live.generation import REGISTRY, generation_launch


def test_deadline_watcher_unwired_refuses_to_launch():
    watcher = DeadlineWatcher()

    with pytest.raises(RuntimeError, match="not handed the generations"):
        watcher.launch(object())


def test_deadline_watcher_configure_hands_the_callbacks():
    watcher = DeadlineWatcher()
    launched = []

    watcher.configure(launch=launched.append, running=lambda chat_id: chat_id == 7)
    watcher.launch("turn")

    assert (launched, watcher.running(7), watcher.running(8)) == (["turn"], True, False)


def test_deadline_watcher_process_watcher_is_wired_to_generation():
    REGISTRY[-1] = object()  # type: ignore[assignment]
    try:
        assert (WATCHER.launch, WATCHER.running(-1)) == (generation_launch, True)
    finally:
        del REGISTRY[-1]
