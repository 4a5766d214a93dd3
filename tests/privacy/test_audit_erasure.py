"""The erasure window of the audit table (migration 0013): anonymised values only, and only inside it."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, transaction

from interview.audit.actions import AuditAction
from interview.audit.guard import erasure_window
from interview.audit.services import audit_record
from interview.models import AuditEvent
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
ANONYMISED = {"actor_label": "erased user", "ip": None, "user_agent": "", "detail": {"erased": True}}


@pytest.fixture
def event():
    return audit_record(actor=UserFactory(username="marta"), action=AuditAction.LOGIN, detail={"who": "marta"})


def _rows(event):
    return AuditEvent._base_manager.filter(pk=event.pk)


def test_anonymising_outside_the_window_is_refused(event):
    with pytest.raises(DatabaseError), transaction.atomic():
        _rows(event).update(**ANONYMISED)
    assert AuditEvent.objects.get(pk=event.pk).actor_label == "marta"


@pytest.mark.parametrize(
    "change",
    [
        {**ANONYMISED, "actor_label": "someone else"},
        {**ANONYMISED, "detail": {"who": "still marta"}},
        {**ANONYMISED, "action": "auth.logout"},
        {**ANONYMISED, "target_type": "interview.chat"},
    ],
)
def test_inside_the_window_only_anonymised_values_pass(event, change):
    with pytest.raises(DatabaseError), transaction.atomic(), erasure_window():
        _rows(event).update(**change)


def test_inside_the_window_anonymising_passes(event):
    with transaction.atomic(), erasure_window():
        assert _rows(event).update(**ANONYMISED, target_id="") == 1
    row = AuditEvent.objects.get(pk=event.pk)
    assert (row.actor_label, row.detail, row.action) == ("erased user", {"erased": True}, AuditAction.LOGIN.value)
    with pytest.raises(DatabaseError), transaction.atomic():  # closed again afterwards
        _rows(event).update(actor_label="x")
