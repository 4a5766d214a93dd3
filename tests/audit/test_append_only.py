"""Audit events are append-only: the model, its queryset and the database trigger refuse changes and deletes."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from interview.audit.actions import LABELS, AuditAction
from interview.audit.services import DETAIL_MAX_CHARS, audit_record
from interview.models import AppendOnlyError, AuditEvent
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(user):
    return audit_record(actor=user, action=AuditAction.LOGIN, target=user, detail={"k": "v"})


def test_audit_record_stores_actor_target_and_label(event, user):
    stored = AuditEvent.objects.get(pk=event.pk)
    assert (stored.actor_id, stored.actor_label, stored.subject_id, stored.action) == (
        user.pk, user.username, user.pk, "auth.login",
    )  # fmt: skip
    assert (stored.target_type, stored.target_id, stored.detail) == ("auth.user", str(user.pk), {"k": "v"})


def test_audit_record_refuses_an_undeclared_action(user):
    with pytest.raises(ValueError):
        audit_record(actor=user, action="auth.made_up", target=user)  # type: ignore[arg-type]
    assert not AuditEvent.objects.exists()


def test_audit_record_caps_a_large_detail(user):
    event = audit_record(actor=user, action=AuditAction.LOGIN, detail={"blob": "x" * (DETAIL_MAX_CHARS + 1)})
    assert event.detail == {"truncated": True, "keys": ["blob"]}


def test_audit_record_without_actor_is_the_system():
    assert audit_record(actor=None, action=AuditAction.INTERVIEW_RESUMED).actor_label == "system"


def test_model_save_of_an_existing_event_is_refused(event):
    event.action = AuditAction.LOGOUT.value
    with pytest.raises(AppendOnlyError):
        event.save()
    assert AuditEvent.objects.get(pk=event.pk).action == "auth.login"


def test_model_save_with_an_existing_id_never_updates(event):
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent(pk=event.pk, action=AuditAction.LOGOUT.value).save()  # an INSERT: the id is taken
    assert AuditEvent.objects.get(pk=event.pk).action == "auth.login"


def test_model_delete_is_refused(event):
    with pytest.raises(AppendOnlyError):
        event.delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


@pytest.mark.parametrize("operation", ["update", "delete"])
def test_queryset_update_and_delete_are_refused(event, operation):
    rows = AuditEvent.objects.filter(pk=event.pk)
    with pytest.raises(AppendOnlyError):
        rows.update(action="x") if operation == "update" else rows.delete()
    assert AuditEvent.objects.get(pk=event.pk).action == "auth.login"


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE interview_auditevent SET action = 'auth.logout'",
        "UPDATE interview_auditevent SET actor_label = 'someone else'",
        "UPDATE interview_auditevent SET actor_id = actor_id + 1000",
        "DELETE FROM interview_auditevent",
    ],
)
def test_database_trigger_refuses_raw_update_and_delete(event, statement):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement)
    stored = AuditEvent.objects.get(pk=event.pk)
    assert (stored.action, stored.actor_label, stored.actor_id) == ("auth.login", event.actor_label, event.actor_id)


def test_base_manager_delete_is_refused_by_the_database(event):
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent._base_manager.filter(pk=event.pk).delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_deleting_the_actor_keeps_the_event_and_its_label():
    gone = UserFactory(username="leaver")
    event = audit_record(actor=gone, action=AuditAction.LOGIN, target=gone)
    gone.delete()
    stored = AuditEvent.objects.get(pk=event.pk)
    assert (stored.actor_id, stored.subject_id, stored.actor_label) == (None, None, "leaver")


def test_every_action_has_a_label_and_a_distinct_code():
    codes = [action.value for action in AuditAction]
    assert len(set(codes)) == len(codes)
    assert all(action in LABELS for action in AuditAction)
