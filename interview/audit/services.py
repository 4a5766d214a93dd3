"""Writing the audit log: `audit_record` for every event, `audit_purge` for the retention limit.

Call `audit_record` inside the transaction of the change it records (in the service's
`transaction.atomic()` block), so a change that rolls back leaves no event and an event that cannot be
written rolls the change back.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import models, transaction

from interview.audit.actions import AuditAction
from interview.audit.context import current_origin, origin_of
from interview.audit.guard import erasure_window, purge_window
from interview.models import AuditEvent

logger = logging.getLogger(__name__)

DETAIL_MAX_CHARS = 2000  # the detail's JSON text; past it only its keys are kept
LABEL_MAX = 150
SYSTEM = "system"  # actor_label of an event with no user behind it (the settle loop, a command)
# What a target may be: a saved model instance, or (model class or "app.model" label, primary key).
Target = models.Model | tuple[type[models.Model] | str, Any] | None


def audit_record(
    *,
    actor: Any,
    action: AuditAction,
    target: Target = None,
    subject: Any = ...,
    request: Any = None,  # an HttpRequest or a DRF Request
    detail: dict[str, Any] | None = None,
    actor_label: str | None = None,
) -> AuditEvent:
    """Write one audit event in the current transaction and return it.

    `actor` is a user, a user id or None (anonymous, or the server itself); `subject` is the account the
    event concerns (a user, user id or None; by default the actor). The client address and browser come
    from `request`, else from the request or socket being served (interview/audit/context.py).
    """
    action = AuditAction(action)  # an undeclared code is a programming error: ValueError
    actor_id, label = _user_ref(actor)
    subject_id = actor_id if subject is ... else _user_ref(subject)[0]
    origin = origin_of(request) if request is not None else current_origin()
    target_type, target_id = _target_ref(target)
    return AuditEvent.objects.create(
        actor_id=actor_id,
        actor_label=(actor_label if actor_label is not None else label)[:LABEL_MAX],
        subject_id=subject_id,
        action=action.value,
        target_type=target_type,
        target_id=target_id,
        ip=origin.ip,
        user_agent=origin.user_agent,
        detail=_capped(detail or {}),
    )


def _user_ref(user: Any) -> tuple[int | None, str]:
    if user is None or (not isinstance(user, int) and not getattr(user, "is_authenticated", False)):
        return None, "" if user is not None else SYSTEM
    if isinstance(user, int):
        username = get_user_model().objects.filter(pk=user).values_list("username", flat=True).first()
        return user, username or ""
    return user.pk, user.get_username()


def _target_ref(target: Target) -> tuple[str, str]:
    if target is None:
        return "", ""
    if isinstance(target, models.Model):
        return target._meta.label_lower, str(target.pk)
    model, pk = target
    label = model if isinstance(model, str) else model._meta.label_lower
    return label.lower(), str(pk)


def _capped(detail: dict[str, Any]) -> dict[str, Any]:
    text = json.dumps(detail, default=str, ensure_ascii=False)
    if len(text) <= DETAIL_MAX_CHARS:
        return json.loads(text)  # dates and the like stored as their text
    logger.warning("Audit detail of %d characters cut to its keys", len(text))
    return {"truncated": True, "keys": sorted(str(key) for key in detail)[:50]}


def audit_cutoff(*, now: datetime) -> datetime | None:
    """The creation time at or before which events are past AUDIT_RETENTION_DAYS; None to keep them forever."""
    days = int(settings.AUDIT_RETENTION_DAYS)
    return now - timedelta(days=days) if days > 0 else None


def audit_purge(*, now: datetime) -> int:
    """Delete the events older than AUDIT_RETENTION_DAYS (run by the settle loop); return how many."""
    cutoff = audit_cutoff(now=now)
    if cutoff is None:
        return 0
    with transaction.atomic(), purge_window(cutoff):
        # The base manager's queryset: AuditEvent.objects refuses delete(); the trigger admits these rows only.
        deleted, _ = AuditEvent._base_manager.filter(created_at__lte=cutoff).delete()
    if deleted:
        logger.info("Purged %d audit event(s) created at or before %s", deleted, cutoff.isoformat())
    return deleted


def audit_report_read(
    *, request: Any, report: models.Model, candidate_id: int | None, via: str, exported_as: str = ""
) -> AuditEvent | None:
    """A report read through a page or the API (`via`): a download (`exported_as` "pdf" or "csv") is
    "report.exported" for anyone, on the candidate's activity page; a view is "report.viewed" when the
    reader is not the candidate (None, nothing written, for the candidate's own view)."""
    detail = {"via": via, "chat": getattr(report, "chat_id", None)}
    if exported_as:
        return audit_record(
            actor=request.user,
            action=AuditAction.REPORT_EXPORTED,
            target=report,
            subject=candidate_id,
            request=request,
            detail={**detail, "format": exported_as},
        )
    if request.user.pk == candidate_id:
        return None
    return audit_record(
        actor=request.user, action=AuditAction.REPORT_VIEWED, target=report, request=request, detail=detail
    )


def audit_erasure_anonymise(*, user_id: int, username: str, email: str, label: str) -> int:
    """Overwrite what the events of an erased account say about them (inside the erasure's transaction):
    their events as actor or subject, events naming them as actor, and events whose target is them lose
    the name, address, browser and detail; a target that is the user loses its id. Return how many."""
    user_label = get_user_model()._meta.label_lower
    rows = AuditEvent._base_manager.filter(
        models.Q(actor_id=user_id)
        | models.Q(subject_id=user_id)
        | models.Q(actor_label__iexact=username)
        | models.Q(target_type=user_label, target_id=str(user_id))
    )
    if email:
        rows = rows | AuditEvent._base_manager.filter(detail__icontains=email)
    ids = list(rows.values_list("pk", flat=True))
    anonymised = {"actor_label": label, "ip": None, "user_agent": "", "detail": {"erased": True}}
    with erasure_window():
        base = AuditEvent._base_manager.filter(pk__in=ids)
        base.filter(target_type=user_label, target_id=str(user_id)).update(target_id="", **anonymised)
        base.exclude(target_type=user_label, target_id=str(user_id)).update(**anonymised)
    return len(ids)
