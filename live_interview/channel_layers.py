"""Channel layers: Channels' in-memory layer without its per-message overheads, and a Redis pub/sub
layer that delivers inside its own process without the round trip (DirectPubSubChannelLayer, below).

`channels.layers.InMemoryChannelLayer` deep-copies every message once per receiving channel, starts
a task per member on each group send, and scans every channel and group for expired entries on
every send and receive. Streaming sends a delta to each socket of a chat every coalescing window,
so those costs grew with the number of open sockets. This layer keeps the same contract (capacity,
message expiry, group expiry, ChannelFull dropped on group sends) and does the sweep at most once
a second.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Any

from channels.exceptions import ChannelFull
from channels.layers import InMemoryChannelLayer
from channels_redis.pubsub import RedisPubSubChannelLayer, RedisPubSubLoopLayer, RedisSingleShardConnection
from channels_redis.utils import _wrap_close

logger = logging.getLogger(__name__)

SWEEP_INTERVAL = 1.0

# A consumer's direct path (interview/live/sockets.py `ChatSocket.deliver_now`): offered a group message
# for its channel while the channel's queue is empty, it returns True when it handled the message itself,
# False to have it queued as usual. Streaming sends a delta to each socket of a chat every coalescing
# window; handled in the sender's task, each costs a call instead of a queue put, a task wake-up and a
# wait in the consumer's dispatch loop. Order holds: a message is offered only when nothing is queued
# before it, and the consumer refuses while it handles or holds an earlier message.
Sink = Callable[[dict[str, Any]], Awaitable[bool]]


class LocalChannelLayer(InMemoryChannelLayer):
    """A drop-in InMemoryChannelLayer for one process; messages are shallow-copied, not deep-copied."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._next_sweep = 0.0
        self.sinks: dict[str, Sink] = {}

    def attach(self, channel: str, sink: Sink) -> None:
        """Offer a channel's group messages to `sink` before queueing them (the direct path, below)."""
        self.sinks[channel] = sink

    def detach(self, channel: str) -> None:
        self.sinks.pop(channel, None)

    def _sweep(self) -> None:
        """Drop expired messages and memberships, at most once per SWEEP_INTERVAL."""
        now = time.monotonic()
        if now >= self._next_sweep:
            self._next_sweep = now + SWEEP_INTERVAL
            self._clean_expired()  # type: ignore[attr-defined]  # private in channels, absent from its stubs

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
            sink = self.sinks.get(channel)
            if sink is not None:
                queue = self.channels.get(channel)
                if (queue is None or queue.empty()) and await sink(message):
                    continue
            try:
                self._put(channel, message, expires)
            except ChannelFull:
                pass


# --- Redis ----------------------------------------------------------------------------------------

# Marks a payload published by `DirectPubSubChannelLayer`: the marker, then the publishing loop
# layer's id, then the serialized message. msgpack never starts a map with a zero byte, so a payload
# from channels-redis' own pub/sub layer (another process mid-upgrade) is told apart and kept whole.
ORIGIN_MARKER = b"\x00ai1"
ORIGIN_LENGTH = len(ORIGIN_MARKER) + 16
# Publishes queued beyond this make `send` and `group_send` wait for the writer (back-pressure).
OUTBOX_LIMIT = 10_000
PIPELINE_BATCH = 500
# A group message carrying this key (true) is published for other processes only when, at the last count
# (at most LISTENERS_SECONDS old, PUBSUB NUMSUB), another process subscribed to the group. Streaming marks
# its deltas so (interview/live/groups.py, `chat_delta_broadcast`): usually both sockets of a chat are in
# the process that streams, and publishing every delta only to drop the copy Redis sends back cost about a
# third of the loop's CPU (docs/performance.md, change 19). A socket in another process that joined since
# the last count misses deltas for at most that long and recovers them from their offsets, as after any
# gap: it asks the generation for the missing text (docs/protocol.md). Other messages are always published.
REMOTE_OPTIONAL = "remote_optional"
LISTENERS_SECONDS = 1.0


class DirectPubSubChannelLayer(RedisPubSubChannelLayer):
    """channels-redis' pub/sub layer, with a direct path inside the process and pipelined publishes.

    The stock layer publishes every message to Redis and waits for the reply, one message at a
    time under a lock, and delivers it to its own process's sockets only when Redis sends it back
    through the subscription. Streaming sends a frame to both sockets of a chat every coalescing
    window, and both are usually in the process that publishes it. Here a message goes straight
    into the queues of this process's members, and is published for the other processes by one
    writer task per connection, many messages to a pipeline; the copy Redis sends back to this
    process is recognised by its origin and dropped. Order per publishing process is kept on both
    paths (one FIFO outbox, one writer). `send` and `group_send` return once the message is queued:
    channel-layer delivery was never acknowledged, and a Redis failure is logged, as a lost message.
    """

    def attach(self, channel: str, sink: Sink) -> None:
        """Offer a channel's group messages sent in this process to `sink` before queueing them."""
        layer = self._get_layer()
        assert isinstance(layer, _DirectLoopLayer)
        layer.sinks[channel] = sink

    def detach(self, channel: str) -> None:
        layer = self._get_layer()
        assert isinstance(layer, _DirectLoopLayer)
        layer.sinks.pop(channel, None)

    def _get_layer(self) -> RedisPubSubLoopLayer:
        loop = asyncio.get_running_loop()
        layer = self._layers.get(loop)
        if layer is None:
            layer = self._layers[loop] = _DirectLoopLayer(*self._args, **self._kwargs, channel_layer=self)
            _wrap_close(self, loop)
        return layer


class _DirectLoopLayer(RedisPubSubLoopLayer):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.origin = ORIGIN_MARKER + uuid.uuid4().bytes
        self._shards: list[_DirectShard] = [_DirectShard(shard.host, self) for shard in self._shards]
        self.sinks: dict[str, Sink] = {}
        # Subscribers of each group channel at the last count, and the groups sent to since (REMOTE_OPTIONAL).
        self._heard: dict[str, int] = {}
        self._asked: set[str] = set()
        self._counter: asyncio.Task[None] | None = None

    def _deliver(self, channel: str, data: bytes) -> None:
        queue = self.channels.get(channel)
        if queue is not None:
            queue.put_nowait(data)

    async def send(self, channel: str, message: dict[str, Any]) -> None:
        data = self.channel_layer.serialize(message)
        if channel in self.channels:  # a channel of this loop layer: nobody else subscribes to it
            self._deliver(channel, data)
            return
        await self._get_shard(channel).post(channel, self.origin + data)

    async def group_send(self, group: str, message: dict[str, Any]) -> None:
        group_channel = self._get_group_channel_name(group)
        data: bytes | None = None
        for channel in list(self.groups.get(group_channel, ())):
            sink = self.sinks.get(channel)
            if sink is not None:
                queue = self.channels.get(channel)
                if queue is not None and queue.empty() and await sink(message):
                    continue
            data = data or self.channel_layer.serialize(message)
            self._deliver(channel, data)
        if message.get(REMOTE_OPTIONAL) and not self._heard_elsewhere(group_channel):
            return
        data = data or self.channel_layer.serialize(message)
        await self._get_shard(group_channel).post(group_channel, self.origin + data)

    def _heard_elsewhere(self, group_channel: str) -> bool:
        """Whether another process subscribed to the group at the last count (unknown: yes)."""
        self._asked.add(group_channel)
        if self._counter is None or self._counter.done():
            self._counter = asyncio.ensure_future(self._count())
        heard = self._heard.get(group_channel)
        return heard is None or heard > (1 if group_channel in self.groups else 0)

    async def _count(self) -> None:
        """Count the subscribers of the groups sent to, one PUBSUB NUMSUB per shard, every LISTENERS_SECONDS."""
        while self._asked:
            asked, self._asked = self._asked, set()
            heard: dict[str, int] = {}
            try:
                for shard in {self._get_shard(name) for name in asked}:
                    names = sorted(name for name in asked if self._get_shard(name) is shard)
                    shard._ensure_redis()
                    for name, count in await shard._redis.pubsub_numsub(*names):
                        heard[name.decode() if isinstance(name, bytes) else name] = int(count)
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception("Counting the channel layer's group subscribers failed; publishing everything")
            self._heard = heard  # groups not sent to since the last count are forgotten; a failure forgets all
            await asyncio.sleep(LISTENERS_SECONDS)
        self._heard = {}  # nothing sent for a while: the counts are too old to trust

    async def flush(self) -> None:
        if self._counter is not None:
            self._counter.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._counter
        for shard in self._shards:
            await shard.stop_writer()
        await super().flush()


class _DirectShard(RedisSingleShardConnection):
    channel_layer: _DirectLoopLayer

    def __init__(self, host: Any, channel_layer: _DirectLoopLayer) -> None:
        super().__init__(host, channel_layer)
        self._outbox: deque[tuple[str, bytes]] = deque()
        self._wake = asyncio.Event()
        self._room = asyncio.Event()
        self._room.set()
        self._writer: asyncio.Task[None] | None = None

    async def post(self, channel: str, data: bytes) -> None:
        """Queue a publish for the writer; wait only while the outbox is over its limit."""
        self._outbox.append((channel, data))
        self._wake.set()
        if self._writer is None or self._writer.done():
            self._writer = asyncio.ensure_future(self._write())
        if len(self._outbox) >= OUTBOX_LIMIT:
            self._room.clear()
            await self._room.wait()

    async def _write(self) -> None:
        task = asyncio.current_task()
        assert task is not None
        while True:
            # redis-py can absorb a cancellation that arrives inside `execute()` (it cleans up the
            # connection and returns): honour it here, or the loop's shutdown waits on this task forever.
            if task.cancelling():
                raise asyncio.CancelledError
            await self._wake.wait()
            self._wake.clear()
            while self._outbox:
                batch = [self._outbox.popleft() for _ in range(min(PIPELINE_BATCH, len(self._outbox)))]
                try:
                    self._ensure_redis()
                    pipe = self._redis.pipeline(transaction=False)
                    for channel, data in batch:
                        pipe.publish(channel, data)
                    await pipe.execute()
                except asyncio.CancelledError:
                    raise
                except Exception:
                    logger.exception("Publishing %d channel-layer messages to Redis failed", len(batch))
                    await asyncio.sleep(0.1)
                if len(self._outbox) < OUTBOX_LIMIT:
                    self._room.set()
                if task.cancelling():
                    raise asyncio.CancelledError

    async def stop_writer(self) -> None:
        writer, self._writer = self._writer, None
        if writer is not None:
            writer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await writer
        self._outbox.clear()
        self._room.set()

    def _receive_message(self, message: dict[str, Any] | None) -> None:
        message = self._foreign(message)
        if message is not None:
            super()._receive_message(message)

    def _foreign(self, message: dict[str, Any] | None) -> dict[str, Any] | None:
        """The message as published by another process, or None (nothing, or published here)."""
        if message is None:
            return None
        data = message["data"]
        if isinstance(data, bytes) and data.startswith(ORIGIN_MARKER):
            if data.startswith(self.channel_layer.origin):
                return None  # published by this loop layer, which delivered it directly
            message = {**message, "data": data[ORIGIN_LENGTH:]}
        return message

    async def _do_receiving(self) -> None:
        """channels-redis' receive loop, offering another process's group messages to attached consumers."""
        while True:
            try:
                if self._pubsub and self._pubsub.subscribed:
                    message = await self._pubsub.get_message(ignore_subscribe_messages=True, timeout=0.1)
                    await self._receive_direct(message)
                else:
                    await asyncio.sleep(0.1)
            except (asyncio.CancelledError, TimeoutError, GeneratorExit):
                raise
            except BaseException:
                logger.exception("Unexpected exception in receive task")
                await asyncio.sleep(1)

    async def _receive_direct(self, message: dict[str, Any] | None) -> None:
        message = self._foreign(message)
        if message is None:
            return
        layer = self.channel_layer
        name = message["channel"]
        name = name.decode() if isinstance(name, bytes) else name
        members = layer.groups.get(name)
        if not members or not layer.sinks or name in layer.channels:
            super()._receive_message(message)
            return
        data, decoded = message["data"], None
        for channel in list(members):
            queue = layer.channels.get(channel)
            if queue is None:
                continue
            sink = layer.sinks.get(channel)
            if sink is not None and queue.empty():
                if decoded is None:
                    decoded = layer.channel_layer.deserialize(data)
                if await sink(decoded):
                    continue
            queue.put_nowait(data)
