"""Partial saves written together: one transaction, one UPDATE, per-save ownership, and the batching."""

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from interview.interviews import services as svc
from interview.interviews import transcript as s
from interview.live import partials
from interview.models import Chat
from tests.factories import ChatFactory

T0 = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)


def streaming_chat():
    """A chat whose greeting streams, owned by this process's generation."""
    chat = ChatFactory(key_questions=[{"question": "One?", "time_limit": 60}])
    turn = svc.interview_start(chat_id=chat.pk, now=T0, model_name="m")
    return chat.pk, turn.message_id


def content(chat_id, message_id):
    return s.find_message(Chat.objects.get(pk=chat_id).messages, message_id)["content"]


@pytest.mark.django_db
def test_saves_of_several_chats_are_one_locking_read_and_one_update():
    chats = [streaming_chat() for _ in range(3)]
    later = T0 + timedelta(seconds=2)
    saves = [svc.PartialSave(chat_id=c, message_id=m, text=f"Hello {i}") for i, (c, m) in enumerate(chats)]
    with CaptureQueriesContext(connection) as queries:
        owned = svc.generation_save_partials(saves, now=later)
    assert owned == [True, True, True]
    writes = [q["sql"] for q in queries.captured_queries if q["sql"].lstrip().upper().startswith("UPDATE")]
    assert len(writes) == 1
    reads = [q["sql"] for q in queries.captured_queries if q["sql"].lstrip().upper().startswith("SELECT")]
    assert len(reads) == 1
    for i, (chat_id, message_id) in enumerate(chats):
        assert content(chat_id, message_id) == f"Hello {i}"
        chat = Chat.objects.get(pk=chat_id)
        assert chat.generation_lease_until == later + timedelta(seconds=svc.settings.GENERATION_LEASE_SECONDS)
        assert chat.updated_at == later


@pytest.mark.django_db
def test_a_save_that_lost_its_message_is_refused_and_the_others_still_saved():
    kept, lost, deleted = streaming_chat(), streaming_chat(), streaming_chat()
    Chat.objects.filter(pk=lost[0]).update(generation_lease_owner="another-process/x")
    Chat.objects.filter(pk=deleted[0]).delete()
    saves = [svc.PartialSave(chat_id=c, message_id=m, text="Partial") for c, m in (kept, lost, deleted)]
    assert svc.generation_save_partials(saves, now=T0) == [True, False, False]
    assert content(*kept) == "Partial"
    assert content(*lost) == ""


@pytest.mark.django_db
def test_a_shorter_text_never_shrinks_the_saved_one():
    chat_id, message_id = streaming_chat()
    svc.generation_save_partials([svc.PartialSave(chat_id, message_id, "Hello world")], now=T0)
    assert svc.generation_save_partials([svc.PartialSave(chat_id, message_id, "Hello")], now=T0) == [True]
    assert content(chat_id, message_id) == "Hello world"


@pytest.mark.django_db
def test_a_finished_reply_is_not_saved_over():
    chat_id, message_id = streaming_chat()
    svc.generation_finish(
        chat_id=chat_id, message_id=message_id, text="Final.", status="complete", usage=None, model="m", now=T0
    )
    assert svc.generation_save_partials([svc.PartialSave(chat_id, message_id, "Final. And more")], now=T0) == [False]
    assert content(chat_id, message_id) == "Final."


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_saves_made_together_go_to_the_database_in_one_call(monkeypatch):
    from channels.db import database_sync_to_async

    chats = [await database_sync_to_async(streaming_chat)() for _ in range(4)]
    batches = []
    real = partials.generation_save_partials

    def counted(saves, *, now):
        batches.append(len(saves))
        return real(saves, now=now)

    monkeypatch.setattr(partials, "generation_save_partials", counted)
    batch = partials.partial_saves()
    owned = await asyncio.gather(*(batch.save(svc.PartialSave(c, m, "Hi")) for c, m in chats))
    assert owned == [True] * 4
    assert batches == [4]
    # A later save is its own batch.
    assert await batch.save(svc.PartialSave(*chats[0], "Hi there")) is True
    assert batches == [4, 1]
    for chat_id, message_id in chats[1:]:
        assert await database_sync_to_async(content)(chat_id, message_id) == "Hi"


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_a_failed_batch_fails_each_save_and_the_next_batch_works(monkeypatch):
    from channels.db import database_sync_to_async

    chat_id, message_id = await database_sync_to_async(streaming_chat)()
    real = partials.generation_save_partials

    def broken(saves, *, now):
        raise RuntimeError("database went away")

    monkeypatch.setattr(partials, "generation_save_partials", broken)
    batch = partials.partial_saves()
    with pytest.raises(RuntimeError, match="went away"):
        await batch.save(svc.PartialSave(chat_id, message_id, "Hi"))
    monkeypatch.setattr(partials, "generation_save_partials", real)
    assert await batch.save(svc.PartialSave(chat_id, message_id, "Hi")) is True
