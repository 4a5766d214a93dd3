"""Helpers of the audit tests: reading events, and a database that refuses to store one."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection

from interview.audit.actions import AuditAction
from interview.models import AuditEvent


def events(action: AuditAction, **filters: Any) -> list[AuditEvent]:
    """The stored events of one action (narrowed by `filters`), oldest first."""
    return list(AuditEvent.objects.filter(action=action.value, **filters).order_by("created_at", "id"))


def only_event(action: AuditAction, **filters: Any) -> AuditEvent:
    """The one stored event of `action` (narrowed by `filters`); fails when there are none or several."""
    found = events(action, **filters)
    assert len(found) == 1, f"expected exactly one {action} event, found {len(found)}"
    return found[0]


def target_of(obj: Any) -> tuple[str, str]:
    return obj._meta.label_lower, str(obj.pk)


@contextmanager
def audit_inserts_refused() -> Iterator[None]:
    """Make the database refuse every new audit event (a trigger, dropped afterwards): a change whose event
    cannot be written must roll back with it, which shows the two share one transaction."""
    if connection.vendor == "postgresql":
        create = [
            "CREATE FUNCTION test_refuse_audit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            "RAISE EXCEPTION 'audit insert refused by the test'; END $$",
            "CREATE TRIGGER test_refuse_audit BEFORE INSERT ON interview_auditevent "
            "FOR EACH ROW EXECUTE FUNCTION test_refuse_audit()",
        ]
        drop = ["DROP TRIGGER test_refuse_audit ON interview_auditevent", "DROP FUNCTION test_refuse_audit()"]
    else:
        create = [
            "CREATE TRIGGER test_refuse_audit BEFORE INSERT ON interview_auditevent "
            "BEGIN SELECT RAISE(ABORT, 'audit insert refused by the test'); END"
        ]
        drop = ["DROP TRIGGER test_refuse_audit"]
    with connection.cursor() as cursor:
        for statement in create:
            cursor.execute(statement)
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            for statement in drop:
                cursor.execute(statement)
