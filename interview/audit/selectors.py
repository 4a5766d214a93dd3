"""Reading the audit log."""

from __future__ import annotations

from typing import Any

from django.db.models import Model, QuerySet

from interview.models import AuditEvent


def audit_events_for_account(user: Any) -> QuerySet[AuditEvent]:
    """The events concerning the user's own account (its subject), newest first: what their activity page lists."""
    return AuditEvent.objects.filter(subject_id=user.pk)


def audit_events_for_target(target: Model) -> QuerySet[AuditEvent]:
    """Every event about one object (who saw, exported or changed it), newest first."""
    return AuditEvent.objects.filter(target_type=target._meta.label_lower, target_id=str(target.pk))
