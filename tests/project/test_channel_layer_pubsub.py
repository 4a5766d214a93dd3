"""DirectPubSubChannelLayer on the local Redis: each layer object stands for one server process.

What must hold: a process's own members get each message exactly once (directly, not again from
Redis), other processes get it through Redis, order per sender is kept on both paths, and what a
process on channels-redis' own pub/sub layer publishes is still understood (the other way round it
is not: every process of a deployment runs the same layer, from the same settings).
"""

from __future__ import annotations

import asyncio
import threading
import uuid

import pytest
import redis
from channels_redis.pubsub import RedisPubSubChannelLayer

from live_interview.channel_layers import DirectPubSubChannelLayer

REDIS_URL = "redis://127.0.0.1:6379/4"


@pytest.fixture
async def layers():
    """Layer objects on one Redis with a prefix of this test's own; flushed (connections closed) after."""
    redis.Redis.from_url(REDIS_URL).ping()  # the local Redis every machine runs; a failure here is real
    prefix = f"test{uuid.uuid4().hex[:8]}"
    made = []

    def make(kind=DirectPubSubChannelLayer):
        made.append(kind(hosts=[REDIS_URL], prefix=prefix))
        return made[-1]

    yield make
    for layer in made:
        await layer.flush()


async def receive_all(layer, channel, count, timeout=5.0):
    async with asyncio.timeout(timeout):
        return [await layer.receive(channel) for _ in range(count)]


async def nothing_more(layer, channel, wait=0.3):
    with pytest.raises(TimeoutError):
        async with asyncio.timeout(wait):
            await layer.receive(channel)


async def test_own_members_get_each_group_message_once_and_in_order(layers):
    layer = layers()
    first, second = await layer.new_channel(), await layer.new_channel()
    await layer.group_add("chat.1", first)
    await layer.group_add("chat.1", second)

    for n in range(50):
        await layer.group_send("chat.1", {"type": "chat.frame", "n": n})
    queues = layer._get_layer().channels
    assert queues[first].qsize() == queues[second].qsize() == 50  # delivered directly, before any round trip

    for channel in (first, second):
        received = await receive_all(layer, channel, 50)
        assert [message["n"] for message in received] == list(range(50))
        await nothing_more(layer, channel)  # the copy Redis sends back is not delivered again


async def test_other_processes_get_group_messages_through_redis_in_order(layers):
    sender, other = layers(), layers()
    local, remote = await sender.new_channel(), await other.new_channel()
    await sender.group_add("chat.2", local)
    await other.group_add("chat.2", remote)

    for n in range(300):
        await sender.group_send("chat.2", {"type": "chat.frame", "n": n})

    assert [m["n"] for m in await receive_all(other, remote, 300)] == list(range(300))
    assert [m["n"] for m in await receive_all(sender, local, 300)] == list(range(300))
    await nothing_more(other, remote)
    await nothing_more(sender, local)


async def test_send_to_a_channel_here_and_in_another_process(layers):
    sender, other = layers(), layers()
    here, there = await sender.new_channel(), await other.new_channel()

    await sender.send(here, {"type": "control", "to": "here"})
    await sender.send(there, {"type": "control", "to": "there"})

    assert await receive_all(sender, here, 1) == [{"type": "control", "to": "here"}]
    assert await receive_all(other, there, 1) == [{"type": "control", "to": "there"}]
    await nothing_more(sender, here)


async def test_understands_what_channels_redis_own_pubsub_layer_publishes(layers):
    direct, stock = layers(), layers(RedisPubSubChannelLayer)
    on_direct = await direct.new_channel()
    await direct.group_add("chat.3", on_direct)

    await stock.group_send("chat.3", {"type": "chat.frame", "from": "stock"})
    await stock.send(on_direct, {"type": "control", "from": "stock"})

    assert await receive_all(direct, on_direct, 2) == [
        {"type": "chat.frame", "from": "stock"},
        {"type": "control", "from": "stock"},
    ]


async def test_a_discarded_member_gets_nothing_more(layers):
    layer, other = layers(), layers()
    channel, remote = await layer.new_channel(), await other.new_channel()
    await layer.group_add("chat.4", channel)
    await other.group_add("chat.4", remote)
    await layer.group_discard("chat.4", channel)

    await layer.group_send("chat.4", {"type": "chat.frame"})

    assert await receive_all(other, remote, 1) == [{"type": "chat.frame"}]
    await nothing_more(layer, channel)


@pytest.mark.parametrize("yields", [3, 5, 8, 12, 20])
def test_a_closing_event_loop_is_not_held_up_by_a_publish_in_flight(yields):
    """asyncio.run cancels the writer wherever it is (connecting, sending); the loop must still close.

    Without the writer's own check, a cancellation redis-py absorbs while connecting leaves the
    writer waiting for work forever, and the loop's shutdown with it (seen as a hung test teardown).
    """
    prefix = f"test{uuid.uuid4().hex[:8]}"

    async def main():
        layer = DirectPubSubChannelLayer(hosts=[REDIS_URL], prefix=prefix)
        channel = await layer.new_channel()
        await layer.group_add("chat.5", channel)
        await layer.group_send("chat.5", {"type": "chat.frame"})
        for _ in range(yields):  # let the writer get part of the way; returning then cancels it
            await asyncio.sleep(0)

    thread = threading.Thread(target=asyncio.run, args=(main(),), daemon=True)
    thread.start()
    thread.join(timeout=10)
    assert not thread.is_alive(), "the event loop did not finish closing"
