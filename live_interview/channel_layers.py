"""The single-process channel layer: Channels' in-memory layer without its per-message overheads.

`channels.layers.InMemoryChannelLayer` deep-copies every message once per receiving channel, starts
a task per member on each group send, and scans every channel and group for expired entries on
every send and receive. Streaming sends a delta to each socket of a chat every coalescing window,
so those costs grew with the number of open sockets. This layer keeps the same contract (capacity,
message expiry, group expiry, ChannelFull dropped on group sends) and does the sweep at most once
a second.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from channels.exceptions import ChannelFull
from channels.layers import InMemoryChannelLayer

SWEEP_INTERVAL = 1.0


class LocalChannelLayer(InMemoryChannelLayer):
    """A drop-in InMemoryChannelLayer for one process; messages are shallow-copied, not deep-copied."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._next_sweep = 0.0

    def _sweep(self) -> None:
        """Drop expired messages and memberships, at most once per SWEEP_INTERVAL."""
        now = time.monotonic()
        if now >= self._next_sweep:
            self._next_sweep = now + SWEEP_INTERVAL
            self._clean_expired()

    def _queue(self, channel: str) -> asyncio.Queue[tuple[float, dict[str, Any]]]:
        queue = self.channels.get(channel)
        if queue is None:
            queue = self.channels[channel] = asyncio.Queue(maxsize=self.get_capacity(channel))
        return queue

    def _put(self, channel: str, message: dict[str, Any], expires: float) -> None:
        try:
            # A shallow copy: receivers may rebind keys, and our frames are never mutated in place.
            self._queue(channel).put_nowait((expires, dict(message)))
        except asyncio.QueueFull:
            raise ChannelFull(channel) from None

    async def send(self, channel: str, message: dict[str, Any]) -> None:
        """Put a message on a channel, raising ChannelFull when its queue is at capacity."""
        assert isinstance(message, dict), "message is not a dict"
        assert "__asgi_channel__" not in message
        self.require_valid_channel_name(channel)
        self._sweep()
        self._put(channel, message, time.time() + self.expiry)

    async def receive(self, channel: str) -> dict[str, Any]:
        """Wait for the next message on a channel."""
        self.require_valid_channel_name(channel)
        self._sweep()
        queue = self._queue(channel)
        try:
            _, message = await queue.get()
        finally:
            if queue.empty() and self.channels.get(channel) is queue:
                del self.channels[channel]
        return message

    async def group_send(self, group: str, message: dict[str, Any]) -> None:
        """Put a message on every channel of a group; a full channel misses it (as in Channels)."""
        assert isinstance(message, dict), "Message is not a dict"
        self.require_valid_group_name(group)
        self._sweep()
        members = self.groups.get(group)
        if not members:
            return
        expires = time.time() + self.expiry
        for channel in list(members):
            try:
                self._put(channel, message, expires)
            except ChannelFull:
                pass
