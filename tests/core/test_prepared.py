"""Prepared reads and writes of one row (interview/core/prepared.py): the ORM's results, without its per-call work."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import DatabaseError, connection, transaction
from django.db.models import Count
from django.db.models.signals import post_save, pre_save
from django.db.transaction import TransactionManagementError
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from interview.core.prepared import PreparedGet, PreparedSave, rows_update
from interview.interviews.services import _CHAT_LOCKED_FOR_TURN
from interview.models import Chat
from tests.factories import ChatFactory, InvitationFactory, JobListingFactory, ResumeFactory, UserFactory

pytestmark = pytest.mark.django_db

# The turn's locked read, as the live path uses it.
WITH_DOCUMENTS = _CHAT_LOCKED_FOR_TURN


def _full_chat() -> Chat:
    user = UserFactory()
    chat = ChatFactory(user=user, resume=ResumeFactory(user=user), job_listing=JobListingFactory(user=user))
    chat.messages = [{"id": "m-1", "role": "user", "content": "Hello", "status": "done"}]
    chat.key_questions = [{"question": "Why?", "time_limit": 60}]
    chat.save()
    InvitationFactory(chat=chat)
    return chat


def _columns(obj):
    return {f.attname: getattr(obj, f.attname) for f in type(obj)._meta.concrete_fields}


def test_prepared_get_returns_what_the_orm_returns():
    chat = _full_chat()
    with transaction.atomic():
        ours = WITH_DOCUMENTS.get(chat.pk)
    theirs = Chat.objects.select_related("user__profile", "resume", "job_listing", "invitation").get(pk=chat.pk)
    assert ours is not None and ours._state.db == theirs._state.db and not ours._state.adding
    assert _columns(ours) == _columns(theirs)
    for related in (lambda c: c.user, lambda c: c.user.profile, lambda c: c.resume, lambda c: c.job_listing,
                    lambda c: c.invitation):  # fmt: skip
        assert _columns(related(ours)) == _columns(related(theirs))


def test_prepared_get_caches_the_related_rows():
    chat = _full_chat()
    with transaction.atomic():
        ours = WITH_DOCUMENTS.get(chat.pk)
    with CaptureQueriesContext(connection) as queries:
        names = (ours.user.profile.role, ours.resume.title, ours.job_listing.title, ours.invitation.pk)
    assert len(queries) == 0 and all(name is not None for name in names)


def test_prepared_get_caches_a_missing_related_row_as_none():
    chat = ChatFactory(resume=None, job_listing=None)
    with transaction.atomic():
        ours = WITH_DOCUMENTS.get(chat.pk)
    with CaptureQueriesContext(connection) as queries:
        assert ours.resume is None and ours.job_listing is None
        assert getattr(ours, "invitation", None) is None
    assert len(queries) == 0


@pytest.mark.django_db(transaction=True)  # the test's own transaction would hide the autocommit
def test_prepared_get_that_locks_refuses_to_run_outside_a_transaction():
    if not connection.features.has_select_for_update:
        pytest.skip("this database has no row locks (SQLite): the ORM does not refuse it either")
    chat = ChatFactory()
    with pytest.raises(TransactionManagementError):
        Chat.objects.select_for_update().filter(pk=chat.pk).first()  # the ORM, for comparison
    with pytest.raises(TransactionManagementError):
        WITH_DOCUMENTS.get(chat.pk)


def test_prepared_get_of_a_missing_row_is_none():
    with transaction.atomic():
        assert WITH_DOCUMENTS.get(987_654) is None


def test_prepared_get_is_one_statement_compiled_once():
    first, second = ChatFactory(), ChatFactory()
    prepared = PreparedGet(Chat, lambda pk: Chat.objects.filter(pk=pk))
    with CaptureQueriesContext(connection) as queries:
        assert prepared.get(first.pk).pk == first.pk
        assert prepared.get(second.pk).pk == second.pk
    assert len(queries) == 2 and queries[0]["sql"].replace(str(first.pk), "?") == queries[1]["sql"].replace(
        str(second.pk), "?"
    )
    assert len(prepared._compiled) == 1


@pytest.mark.parametrize(
    "build",
    [
        lambda pk: Chat.objects.annotate(n=Count("token_usages")).filter(pk=pk),
        lambda pk: Chat.objects.filter(pk=pk).prefetch_related("token_usages"),
        lambda pk: Chat.objects.filter(pk=pk) | Chat.objects.filter(user_id=pk),
    ],
)
def test_prepared_get_refuses_what_it_cannot_repeat(build):
    with pytest.raises(ValueError, match="PreparedGet"):
        PreparedGet(Chat, build).get(1)


def test_prepared_save_writes_every_field_and_bumps_auto_now():
    chat = _full_chat()
    before = Chat.objects.get(pk=chat.pk).updated_at
    with transaction.atomic():
        ours = WITH_DOCUMENTS.get(chat.pk)
        ours.messages.append({"id": "m-2", "role": "assistant", "content": "Hi", "status": "done"})
        ours.title, ours.question_deadline = "Renamed", timezone.now() + timedelta(minutes=2)
        PreparedSave(Chat).save(ours)
    stored = Chat.objects.get(pk=chat.pk)
    assert _columns(stored) == _columns(ours)
    assert stored.title == "Renamed" and len(stored.messages) == 2 and stored.updated_at > before


def test_prepared_save_sends_the_save_signals():
    chat = ChatFactory()
    seen = []

    def note(signal):
        return lambda sender, instance, **kwargs: seen.append((signal, instance.pk, kwargs.get("created")))

    before, after = note("pre"), note("post")
    pre_save.connect(before, sender=Chat)
    post_save.connect(after, sender=Chat)
    try:
        PreparedSave(Chat).save(chat)
    finally:
        pre_save.disconnect(before, sender=Chat)
        post_save.disconnect(after, sender=Chat)
    assert seen == [("pre", chat.pk, None), ("post", chat.pk, False)]


def test_prepared_save_of_a_deleted_row_raises_and_inserts_nothing():
    chat = ChatFactory()
    Chat.objects.filter(pk=chat.pk).delete()
    with pytest.raises(DatabaseError, match="updated 0 rows"):
        PreparedSave(Chat).save(chat)
    assert not Chat.objects.filter(pk=chat.pk).exists()


def test_prepared_save_of_a_partly_loaded_row_writes_only_what_was_loaded():
    chat = ChatFactory(title="Kept")
    partial = Chat.objects.only("pk", "messages").get(pk=chat.pk)
    partial.messages = [{"id": "m-1", "role": "user", "content": "x"}]
    PreparedSave(Chat).save(partial)
    stored = Chat.objects.get(pk=chat.pk)
    assert stored.title == "Kept" and stored.messages == partial.messages


def test_rows_update_sets_each_rows_value_and_the_common_ones():
    first, second, untouched = ChatFactory(), ChatFactory(), ChatFactory(messages=[{"id": "m-0"}])
    now = timezone.now()
    count = rows_update(
        Chat,
        field="messages",
        values={first.pk: [{"id": "m-1"}], second.pk: [{"id": "m-2", "content": 'é \u2028 "q"'}]},
        common={"updated_at": now, "generation_lease_until": now + timedelta(seconds=30)},
    )
    assert count == 2
    rows = {c.pk: c for c in Chat.objects.all()}
    assert rows[first.pk].messages == [{"id": "m-1"}]
    assert rows[second.pk].messages == [{"id": "m-2", "content": 'é \u2028 "q"'}]
    assert (
        rows[first.pk].generation_lease_until == rows[second.pk].generation_lease_until == now + timedelta(seconds=30)
    )
    assert rows[untouched.pk].messages == [{"id": "m-0"}] and rows[untouched.pk].generation_lease_until is None


def test_rows_update_splits_large_batches(monkeypatch):
    chats = [ChatFactory() for _ in range(5)]
    monkeypatch.setattr("interview.core.prepared.ROWS_PER_UPDATE", 2)
    with CaptureQueriesContext(connection) as queries:
        count = rows_update(Chat, field="messages", values={c.pk: [{"n": c.pk}] for c in chats}, common={})
    assert count == 5 and len(queries) == 3
    assert all(c.messages == [{"n": c.pk}] for c in Chat.objects.all())
