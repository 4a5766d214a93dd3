"""Fixtures for the live area's unit tests: a fresh in-memory channel layer, group listeners, clean-up."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

import pytest
from channels.layers import get_channel_layer

from interview.live.deadlines import WATCHER
from tests.sockets.helpers import generations_end


@pytest.fixture
def memory_layer(settings):
    """A fresh in-memory channel layer for this test, also when the suite runs on Redis."""
    settings.CHANNEL_LAYERS = {
        "default": {"BACKEND": "live_interview.channel_layers.LocalChannelLayer", "CONFIG": {"expiry": 30}}
    }
    return get_channel_layer()


class Listener:
    """A channel of its own in one group: what the group was sent, in order."""

    def __init__(self, layer: Any, channel: str) -> None:
        self.layer = layer
        self.channel = channel

    async def next(self, timeout: float = 5.0) -> dict[str, Any]:
        """The next message sent to the group."""
        async with asyncio.timeout(timeout):
            return await self.layer.receive(self.channel)

    async def frames_until(self, kind: str, timeout: float = 10.0) -> list[dict[str, Any]]:
        """The frames (`chat.frame` messages) up to and including the first of type `kind`."""
        frames: list[dict[str, Any]] = []
        async with asyncio.timeout(timeout):
            while True:
                message = await self.layer.receive(self.channel)
                if message.get("type") == "chat.frame":
                    frames.append(message["frame"])
                    if message["frame"]["type"] == kind:
                        return frames

    async def frames_for(self, seconds: float) -> list[dict[str, Any]]:
        """Every frame the group is sent in the next `seconds` seconds."""
        frames: list[dict[str, Any]] = []
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(seconds):
                while True:
                    message = await self.layer.receive(self.channel)
                    if message.get("type") == "chat.frame":
                        frames.append(message["frame"])
        return frames

    async def nothing(self, timeout: float = 0.3) -> bool:
        """Whether nothing arrives within `timeout` seconds."""
        try:
            await self.next(timeout)
        except TimeoutError:
            return True
        return False


@pytest.fixture
def listen(memory_layer):
    """`await listen(group)`: a Listener joined to `group` on the in-memory layer."""

    async def join(group: str) -> Listener:
        channel = await memory_layer.new_channel()
        await memory_layer.group_add(group, channel)
        return Listener(memory_layer, channel)

    return join


@pytest.fixture
async def generations():
    """End, at teardown, every generation the test left running."""
    yield
    await generations_end()


@pytest.fixture
async def watcher():
    """The process's deadline watcher, running on this test's loop until teardown."""
    WATCHER.ensure_started()
    try:
        yield WATCHER
    finally:
        await WATCHER.stop()
