"""The broadcast helpers on their own (interview/live/groups.py): group names, who is sent what, and when."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async
from django.db import transaction

from interview.live.groups import (
    ACCESS_GROUP,
    access_changed,
    chat_broadcast,
    chat_event,
    chat_group,
    control_group,
    control_send,
    observer_group,
    observers_broadcast,
)

FRAMES = [{"type": "assistant.delta", "text": str(n)} for n in range(5)]


@pytest.mark.parametrize(
    ("name", "expected"),
    [(chat_group, "chat.42"), (observer_group, "chatobs.42"), (control_group, "chatctl.42")],
)
def test_group_names_are_the_stored_ones(name, expected):
    assert name(42) == expected


def test_access_group_name_is_the_stored_one():
    assert ACCESS_GROUP == "sockets.access"


async def test_chat_broadcast_sends_frames_in_order_to_the_chat_group(listen):
    chat = await listen(chat_group(7))
    await chat_broadcast(7, *FRAMES)
    assert [await chat.next() for _ in FRAMES] == [{"type": "chat.frame", "frame": frame} for frame in FRAMES]


async def test_chat_broadcast_reaches_no_other_chat(listen):
    other = await listen(chat_group(8))
    await chat_broadcast(7, *FRAMES)
    assert await other.nothing()


async def test_observers_broadcast_reaches_the_observer_group(listen):
    observers = await listen(observer_group(7))
    await observers_broadcast(7, FRAMES[0])
    assert await observers.next() == {"type": "chat.frame", "frame": FRAMES[0]}


async def test_observers_broadcast_never_reaches_the_chat_group(listen):
    chat = await listen(chat_group(7))
    await observers_broadcast(7, FRAMES[0])
    assert await chat.nothing()


async def test_chat_event_sends_the_event_as_is(listen):
    chat = await listen(chat_group(7))
    await chat_event(7, {"type": "presence.query", "reply_channel": "x"})
    assert await chat.next() == {"type": "presence.query", "reply_channel": "x"}


async def test_control_send_reaches_the_control_group_only(listen):
    control, chat = await listen(control_group(7)), await listen(chat_group(7))
    await control_send(7, {"type": "generation.stop", "message_id": None})
    assert (await control.next(), await chat.nothing()) == ({"type": "generation.stop", "message_id": None}, True)


@pytest.mark.django_db(transaction=True)
async def test_access_changed_sends_after_the_commit(listen):
    access = await listen(ACCESS_GROUP)

    @database_sync_to_async
    def change():
        with transaction.atomic():
            access_changed(users=[3, 1, 3], chats=[9])

    await change()
    assert await access.next() == {"type": "access.changed", "users": [1, 3], "chats": [9], "sessions": []}


@pytest.mark.django_db(transaction=True)
async def test_access_changed_in_a_rolled_back_transaction_sends_nothing(listen):
    access = await listen(ACCESS_GROUP)

    @database_sync_to_async
    def change_then_fail():
        with pytest.raises(RuntimeError), transaction.atomic():
            access_changed(users=[1])
            raise RuntimeError("the write failed")

    await change_then_fail()
    assert await access.nothing()


@pytest.mark.django_db(transaction=True)
async def test_access_changed_is_not_sent_before_the_commit(listen):
    access = await listen(ACCESS_GROUP)
    seen_inside = []

    @database_sync_to_async
    def change():
        with transaction.atomic():
            access_changed(users=[1])
            seen_inside.append(access.layer.channels.get(access.channel))

    await change()
    assert (seen_inside, (await access.next())["users"]) == ([None], [1])


@pytest.mark.django_db(transaction=True)
async def test_access_changed_with_stop_stops_the_chats_generations(listen):
    control = await listen(control_group(9))

    @database_sync_to_async
    def delete():
        with transaction.atomic():
            access_changed(chats=[9], stop=True)

    await delete()
    assert await control.next() == {"type": "generation.stop", "message_id": None}


@pytest.mark.django_db(transaction=True)
async def test_access_changed_with_nothing_to_check_sends_nothing(listen):
    access = await listen(ACCESS_GROUP)
    await database_sync_to_async(access_changed)()
    assert await access.nothing()
