"""`manage.py flush` may empty the audit table only in development and tests; a raw TRUNCATE is refused."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from interview.audit.actions import AuditAction
from interview.audit.services import audit_record
from interview.models import AuditEvent


@pytest.mark.django_db(transaction=True)
def test_flush_in_tests_empties_the_audit_log():
    audit_record(actor=None, action=AuditAction.LOGIN_FAILED)
    call_command("flush", interactive=False, verbosity=0)
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
def test_flush_outside_debug_and_tests_is_refused(settings):
    settings.DEBUG, settings.TESTING = False, False
    audit_record(actor=None, action=AuditAction.LOGIN_FAILED)
    with pytest.raises(CommandError, match="audit log"):
        call_command("flush", interactive=False, verbosity=0)
    assert AuditEvent.objects.count() == 1


@pytest.mark.django_db
def test_raw_truncate_is_refused_on_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no TRUNCATE; its DELETE is refused by the row trigger (test_append_only.py)")
    audit_record(actor=None, action=AuditAction.LOGIN_FAILED)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("TRUNCATE interview_auditevent")
    assert AuditEvent.objects.count() == 1
