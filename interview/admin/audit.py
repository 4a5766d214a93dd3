"""The hooks that audit the Django admin: every add, change, delete (single or bulk) and import."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import router, transaction
from django.db.models import Model, QuerySet
from django.http import HttpRequest

from interview.audit.actions import AuditAction
from interview.audit.services import audit_record


class AuditedAdmin(admin.ModelAdmin):
    """Every add, change and delete made through this admin writes an AuditEvent beside Django's LogEntry.

    Django calls these hooks inside the transaction of the save (add, change, delete view), so the event
    commits with the change; the bulk delete action logs just before it deletes.
    """

    def log_addition(self, request: HttpRequest, obj: Model, message: Any) -> Any:
        self._audit(request, AuditAction.ADMIN_ADDED, obj, message)
        return super().log_addition(request, obj, message)

    def log_change(self, request: HttpRequest, obj: Model, message: Any) -> Any:
        self._audit(request, AuditAction.ADMIN_CHANGED, obj, message)
        return super().log_change(request, obj, message)

    def response_action(self, request: HttpRequest, queryset: QuerySet[Any], *args: Any, **kwargs: Any) -> Any:
        # Bulk actions (delete_selected logs, then deletes) run in one transaction, as the change views do.
        with transaction.atomic(using=router.db_for_write(self.model)):
            return super().response_action(request, queryset, *args, **kwargs)

    def log_deletions(self, request: HttpRequest, queryset: Any) -> Any:
        for obj in queryset:
            self._audit(request, AuditAction.ADMIN_DELETED, obj, None)
        return super().log_deletions(request, queryset)

    # Whether str(obj) may be stored in the event; False where it is a secret (a DRF token's key).
    audit_repr = True

    def _audit(self, request: HttpRequest, action: AuditAction, obj: Model, message: Any) -> None:
        detail: dict[str, Any] = {"repr": str(obj)[:200]} if self.audit_repr else {}
        changed = [name for entry in message or [] if isinstance(entry, dict) for name in _fields(entry)]
        if changed:
            detail["changed"] = changed
        audit_record(actor=request.user, action=action, target=obj, request=request, detail=detail)


IMPORTED = {"new": AuditAction.ADMIN_ADDED, "update": AuditAction.ADMIN_CHANGED, "delete": AuditAction.ADMIN_DELETED}


def audit_import(request: HttpRequest, model: type[Model], result: Any) -> None:
    """One event per row an admin import added, changed or deleted (django-import-export writes its own
    LogEntry rows, bypassing log_addition and log_change)."""
    for row in result:
        action = IMPORTED.get(row.import_type)
        if action is not None and row.object_id is not None:
            detail = {"repr": str(row.object_repr or "")[:200], "via": "import"}
            audit_record(
                actor=request.user, action=action, target=(model, row.object_id), request=request, detail=detail
            )


def _fields(entry: dict[str, Any]) -> list[str]:
    """The field names of one construct_change_message entry ({"changed": {"fields": [...]}} and the like)."""
    body = entry.get("changed") or {}
    return [str(name) for name in body.get("fields", [])] if isinstance(body, dict) else []
