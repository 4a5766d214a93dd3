"""The audit log's one model: AuditEvent, append-only (see interview/audit/ and docs/operations.md)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone


class AppendOnlyError(Exception):
    """An attempt to change or delete an audit event outside the retention purge."""


REFUSED = "Audit events are append-only: they cannot be changed or deleted (only the retention purge removes them)."


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    """Reads as usual; update() and delete() are refused (the purge uses the base manager, inside its guard)."""

    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError(REFUSED)

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError(REFUSED)

    def bulk_update(self, objs: Any, fields: Any, batch_size: int | None = None) -> int:
        raise AppendOnlyError(REFUSED)

    update.queryset_only = True  # type: ignore[attr-defined]
    delete.queryset_only = True  # type: ignore[attr-defined]


class AuditEvent(models.Model):
    """Who (actor) did what (action) to what (target), for whose account (subject), from where, when.

    Written by interview.audit.services.audit_record only, in the transaction of the change it records.
    Rows are never updated or deleted: the model, its queryset and a database trigger refuse it; the one
    exception is the retention purge (interview.audit.services.audit_purge), and clearing actor/subject
    when their user is deleted (the labels keep who it was).
    """

    created_at = models.DateTimeField(default=timezone.now, db_index=True, editable=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The actor's username when the event was written ("" for nobody, e.g. a failed login; "system" for
    # the server itself), kept when the user is deleted.
    actor_label = models.CharField(max_length=150, blank=True)
    # The account the event concerns (its owner's activity page lists it): the actor by default, the
    # candidate for an export of their report, the requester for a role decision.
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    action = models.CharField(max_length=48, db_index=True)  # an interview.audit.actions.AuditAction code
    target_type = models.CharField(max_length=64, blank=True)  # a model label, e.g. "interview.chat"
    target_id = models.CharField(max_length=64, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=255, blank=True)
    detail = models.JSONField(default=dict, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["target_type", "target_id"], name="interview_audit_target_idx"),
            models.Index(fields=["subject", "created_at"], name="interview_audit_subject_idx"),
            models.Index(fields=["actor", "created_at"], name="interview_audit_actor_idx"),
        ]

    def __str__(self) -> str:
        target = f" {self.target_type}#{self.target_id}" if self.target_type else ""
        return f"{self.created_at:%Y-%m-%d %H:%M:%S} {self.actor_label or '-'} {self.action}{target}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError(REFUSED)
        kwargs["force_insert"] = True  # a row built with an existing id must not turn into an UPDATE
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError(REFUSED)
