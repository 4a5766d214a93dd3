"""User admin actions for personal data: export a user's data (the link goes to them) and erase accounts."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from interview import models as m
from interview.audit.actions import AuditAction
from interview.audit.services import audit_record
from interview.core.errors import ServiceError
from interview.privacy.erasure import account_erase
from interview.privacy.services import export_request

CONFIRM = "confirm_erase"


@admin.action(description="Export the selected users' data (each gets a download link)")
def export_data(modeladmin: Any, request: HttpRequest, queryset: QuerySet[Any]) -> None:
    for user in queryset:
        try:
            export = export_request(user=user)
        except ServiceError as exc:
            modeladmin.message_user(request, f"{user.get_username()}: {exc.message}", messages.ERROR)
            continue
        audit_record(
            actor=request.user,
            subject=user,
            action=AuditAction.DATA_EXPORTED,
            target=export,
            request=request,
            detail={"step": "requested", "by": "admin"},
        )
        modeladmin.message_user(request, f"{user.get_username()}: export queued; the link goes to them.")


@admin.action(description="Erase the selected accounts (cannot be undone)")
def erase_accounts(modeladmin: Any, request: HttpRequest, queryset: QuerySet[Any]) -> HttpResponse | None:
    users = list(queryset.exclude(pk=request.user.pk))
    if len(users) != queryset.count():
        modeladmin.message_user(request, "You cannot erase your own account from here.", messages.ERROR)
        return None
    if request.POST.get(CONFIRM) != "yes":
        context = {
            **modeladmin.admin_site.each_context(request),
            "users": users,
            "opts": modeladmin.model._meta,
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
            "confirm": CONFIRM,
        }
        return TemplateResponse(request, "admin/privacy/erase_confirm.html", context)
    for user in users:
        account_erase(user=user, by=request.user, request=request)
    modeladmin.message_user(request, f"{len(users)} account(s) erased.")
    return None


@admin.register(m.DataExport)
class DataExportAdmin(admin.ModelAdmin):
    """Exports as a record: status and times (never the file's content or the token); made only by the job."""

    list_display = ("user", "status", "created_at", "completed_at", "expires_at", "downloaded_at")
    list_filter = ("status",)
    list_select_related = ("user",)
    search_fields = ("user__username",)
    exclude = ("token_hash", "file")
    readonly_fields = (
        "user",
        "status",
        "error",
        "created_at",
        "updated_at",
        "completed_at",
        "expires_at",
        "downloaded_at",
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(m.PendingFileDeletion)
class PendingFileDeletionAdmin(admin.ModelAdmin):
    """Stored files an erasure still owes a delete (retried by the settle loop)."""

    list_display = ("name", "attempts", "created_at")
    readonly_fields = ("name", "attempts", "last_error", "created_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
