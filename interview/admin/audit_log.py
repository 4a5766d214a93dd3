"""The audit log in the Django admin: read-only for admins and superusers.

Nobody may add, change or delete an audit event here, superusers included: the permissions say no,
there are no bulk actions (so no bulk delete), and the model and the database refuse it anyway.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from interview import models as m
from interview.accounts.permissions import is_admin
from interview.admin import resources as r
from interview.admin.base import ExportAdmin
from interview.audit.actions import AuditAction, action_label


class ActionFilter(admin.SimpleListFilter):
    """Filter by action among the declared codes (the field has no choices, so new codes need no migration)."""

    title = "action"
    parameter_name = "action"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [(code.value, code.label) for code in AuditAction]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.filter(action=self.value()) if self.value() else queryset


class TargetTypeFilter(admin.SimpleListFilter):
    title = "target type"
    parameter_name = "target_type"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        types = (
            m.AuditEvent.objects.exclude(target_type="").order_by("target_type").values_list("target_type", flat=True)
        )
        return [(value, value) for value in types.distinct()]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.filter(target_type=self.value()) if self.value() else queryset


def may_read_audit(request: HttpRequest) -> bool:
    """Staff who are admins (by role) or superusers."""
    user = request.user
    return bool(user.is_active and user.is_staff and is_admin(user))


@admin.register(m.AuditEvent)
class AuditEventAdmin(ExportAdmin):
    """The audit log, read-only for everyone (superusers included); admins and superusers may read and export it."""

    resource_classes = [r.AuditEventResource]
    list_display = ("created_at", "actor_label", "action_name", "target_type", "target_id", "subject", "ip")
    list_filter = (
        ActionFilter,
        ("actor", admin.RelatedOnlyFieldListFilter),
        TargetTypeFilter,
        "created_at",
    )
    search_fields = ("actor_label", "action", "target_type", "target_id", "user_agent", "ip")
    date_hierarchy = "created_at"
    list_select_related = ("actor", "subject")  # the export names both
    readonly_fields = tuple(field.name for field in m.AuditEvent._meta.fields)
    actions = None  # no bulk delete, nor any other bulk action
    show_full_result_count = False  # the log grows without bound; one COUNT per page is enough

    @admin.display(description="action", ordering="action")
    def action_name(self, event: m.AuditEvent) -> str:
        return action_label(event.action)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return may_read_audit(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return may_read_audit(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
