"""The layers' direct path: a consumer handles a group message in the sender's task when nothing is
queued before it, and anything it refuses, or anything behind a queued message, is queued in order."""

from __future__ import annotations

import asyncio
import uuid

import pytest
import redis

from live_interview.channel_layers import DirectPubSubChannelLayer, LocalChannelLayer

REDIS_URL = "redis://127.0.0.1:6379/4"


class Sink:
    """A consumer's direct path: takes what `accept` allows, remembers what it took."""

    def __init__(self, accept=lambda message: True):
        self.accept = accept
        self.taken = []

    async def __call__(self, message):
        if not self.accept(message):
            return False
        self.taken.append(message["n"])
        return True


@pytest.fixture
async def layer(request):
    if request.param == "local":
        yield LocalChannelLayer()
        return
    redis.Redis.from_url(REDIS_URL).ping()
    made = DirectPubSubChannelLayer(hosts=[REDIS_URL], prefix=f"test{uuid.uuid4().hex[:8]}")
    yield made
    await made.flush()


async def queued(layer, channel, count):
    async with asyncio.timeout(5):
        return [(await layer.receive(channel))["n"] for _ in range(count)]


async def nothing_queued(layer, channel):
    with pytest.raises(TimeoutError):
        async with asyncio.timeout(0.2):
            await layer.receive(channel)


@pytest.mark.parametrize("layer", ["local", "redis"], indirect=True)
async def test_an_attached_consumer_takes_group_messages_directly(layer):
    direct, plain = await layer.new_channel(), await layer.new_channel()
    for channel in (direct, plain):
        await layer.group_add("chat.1", channel)
    sink = Sink()
    layer.attach(direct, sink)
    for n in range(5):
        await layer.group_send("chat.1", {"type": "chat.frame", "n": n})
    assert sink.taken == [0, 1, 2, 3, 4]
    await nothing_queued(layer, direct)
    assert await queued(layer, plain, 5) == [0, 1, 2, 3, 4]  # the other member is unaffected


@pytest.mark.parametrize("layer", ["local", "redis"], indirect=True)
async def test_what_the_consumer_refuses_is_queued_and_so_is_everything_behind_it(layer):
    channel = await layer.new_channel()
    await layer.group_add("chat.1", channel)
    sink = Sink(accept=lambda message: message["n"] != 1)
    layer.attach(channel, sink)
    for n in range(4):
        await layer.group_send("chat.1", {"type": "chat.frame", "n": n})
    # 0 went directly; 1 was refused and queued; 2 and 3 came while 1 waited, so they queue behind it.
    assert sink.taken == [0]
    assert await queued(layer, channel, 3) == [1, 2, 3]
    await layer.group_send("chat.1", {"type": "chat.frame", "n": 4})  # the queue is empty again
    assert sink.taken == [0, 4]


@pytest.mark.parametrize("layer", ["local", "redis"], indirect=True)
async def test_a_detached_channel_is_queued_again(layer):
    channel = await layer.new_channel()
    await layer.group_add("chat.1", channel)
    sink = Sink()
    layer.attach(channel, sink)
    layer.detach(channel)
    layer.detach(channel)  # twice is harmless (a socket's disconnect)
    await layer.group_send("chat.1", {"type": "chat.frame", "n": 7})
    assert sink.taken == []
    assert await queued(layer, channel, 1) == [7]


async def test_another_process_group_messages_reach_an_attached_consumer_directly_in_order():
    redis.Redis.from_url(REDIS_URL).ping()
    prefix = f"test{uuid.uuid4().hex[:8]}"
    here, there = (DirectPubSubChannelLayer(hosts=[REDIS_URL], prefix=prefix) for _ in range(2))
    try:
        direct, queued_channel = await there.new_channel(), await there.new_channel()
        for channel in (direct, queued_channel):
            await there.group_add("chat.9", channel)
        sink = Sink(accept=lambda message: message["n"] != 3)
        there.attach(direct, sink)
        await asyncio.sleep(0.2)  # the subscription is in place
        for n in range(6):
            await here.group_send("chat.9", {"type": "chat.frame", "n": n})
        assert await queued(there, queued_channel, 6) == [0, 1, 2, 3, 4, 5]
        async with asyncio.timeout(5):
            while len(sink.taken) < 3:
                await asyncio.sleep(0.01)
        # 3 was refused and queued; whatever came while it waited queued behind it, in order.
        assert sink.taken == [0, 1, 2]
        assert await queued(there, direct, 3) == [3, 4, 5]
    finally:
        await here.flush()
        await there.flush()


# --- REMOTE_OPTIONAL: deltas published only when another process subscribed to the group --------


async def published(prefix, group_channel_suffix, action, wait=0.4):
    """What Redis published on channels ending with the suffix while `action` ran (a pattern subscription,
    which PUBSUB NUMSUB does not count)."""
    import redis.asyncio as aioredis

    client = aioredis.Redis.from_url(REDIS_URL)
    pubsub = client.pubsub()
    await pubsub.psubscribe(f"{prefix}*{group_channel_suffix}")
    await pubsub.get_message(timeout=1)  # the psubscribe confirmation
    seen = 0
    try:
        await action()
        deadline = asyncio.get_running_loop().time() + wait
        while (left := deadline - asyncio.get_running_loop().time()) > 0:
            message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=left)
            seen += message is not None and message["type"] == "pmessage"
    finally:
        await pubsub.aclose()
        await client.aclose()
    return seen


async def test_optional_messages_stay_in_a_process_nobody_else_listens_to():
    from live_interview.channel_layers import REMOTE_OPTIONAL

    redis.Redis.from_url(REDIS_URL).ping()
    prefix = f"test{uuid.uuid4().hex[:8]}"
    layer = DirectPubSubChannelLayer(hosts=[REDIS_URL], prefix=prefix)
    try:
        channel = await layer.new_channel()
        await layer.group_add("chat.5", channel)
        sink = Sink()
        layer.attach(channel, sink)

        async def first():
            await layer.group_send("chat.5", {"type": "chat.frame", "n": 0, REMOTE_OPTIONAL: True})

        assert await published(prefix, "chat.5", first) == 1  # nobody counted yet: published

        async def more():
            for n in range(1, 6):
                await layer.group_send("chat.5", {"type": "chat.frame", "n": n, REMOTE_OPTIONAL: True})
            await layer.group_send("chat.5", {"type": "chat.frame", "n": 6})  # not optional: always published

        assert await published(prefix, "chat.5", more) == 1
        assert sink.taken == [0, 1, 2, 3, 4, 5, 6]  # every message still reached the local socket
    finally:
        await layer.flush()


async def test_optional_messages_reach_another_process_that_listens():
    from live_interview.channel_layers import LISTENERS_SECONDS, REMOTE_OPTIONAL

    redis.Redis.from_url(REDIS_URL).ping()
    prefix = f"test{uuid.uuid4().hex[:8]}"
    here, there = (DirectPubSubChannelLayer(hosts=[REDIS_URL], prefix=prefix) for _ in range(2))
    try:
        local = await here.new_channel()
        await here.group_add("chat.6", local)
        await here.group_send("chat.6", {"type": "chat.frame", "n": -1, REMOTE_OPTIONAL: True})
        await asyncio.sleep(0.2)  # counted: only this process listens, so optional messages stay here
        remote = await there.new_channel()
        await there.group_add("chat.6", remote)  # another process's socket joins
        await asyncio.sleep(LISTENERS_SECONDS + 0.3)  # the next count sees it
        for n in range(5):
            await here.group_send("chat.6", {"type": "chat.frame", "n": n, REMOTE_OPTIONAL: True})
        assert await queued(there, remote, 5) == [0, 1, 2, 3, 4]
        assert await queued(here, local, 6) == [-1, 0, 1, 2, 3, 4]
    finally:
        await here.flush()
        await there.flush()
