"""Retention: events older than AUDIT_RETENTION_DAYS are purged by the settle loop, at the limit and not before."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import call_command
from django.db import DatabaseError, transaction

from interview.audit.actions import AuditAction
from interview.audit.services import audit_purge
from interview.models import AuditEvent

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 12, 7, 4, 0, tzinfo=UTC)


def event_at(when: datetime) -> AuditEvent:
    # An event written long ago: rows cannot be backdated later, so it is created with its time.
    return AuditEvent.objects.create(
        created_at=when, action=AuditAction.LOGIN_FAILED.value, actor_label=f"at {when.isoformat()}"
    )


@pytest.fixture(autouse=True)
def _retention(settings):
    settings.AUDIT_RETENTION_DAYS = 730


def test_purge_removes_an_event_exactly_at_the_limit():
    at_limit = event_at(NOW - timedelta(days=730))
    assert audit_purge(now=NOW) >= 1
    assert not AuditEvent.objects.filter(pk=at_limit.pk).exists()


def test_purge_keeps_an_event_a_day_younger_than_the_limit():
    young = event_at(NOW - timedelta(days=729))
    audit_purge(now=NOW)
    assert AuditEvent.objects.filter(pk=young.pk).exists()


def test_purge_keeps_an_event_a_second_younger_than_the_limit():
    young = event_at(NOW - timedelta(days=730) + timedelta(seconds=1))
    audit_purge(now=NOW)
    assert AuditEvent.objects.filter(pk=young.pk).exists()


def test_purge_with_retention_zero_keeps_everything(settings):
    settings.AUDIT_RETENTION_DAYS = 0
    ancient = event_at(NOW - timedelta(days=10_000))
    assert audit_purge(now=NOW) == 0
    assert AuditEvent.objects.filter(pk=ancient.pk).exists()


def test_purge_window_closes_after_the_purge():
    old = event_at(NOW - timedelta(days=800))
    audit_purge(now=NOW - timedelta(days=1000))  # nothing that old: the window admitted nothing
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent._base_manager.filter(pk=old.pk).delete()


def test_settle_command_purges_past_retention(settings):
    settings.AUDIT_RETENTION_DAYS = 1
    old = event_at(datetime.now(UTC) - timedelta(days=2))
    recent = event_at(datetime.now(UTC) - timedelta(hours=1))
    call_command("invitations_settle")
    assert list(AuditEvent.objects.filter(pk__in=[old.pk, recent.pk]).values_list("pk", flat=True)) == [recent.pk]
