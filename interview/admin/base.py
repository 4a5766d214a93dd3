"""The admins' base classes: CSV/XLSX export (and import), with every add, change, delete and import audited."""

from __future__ import annotations

from typing import Any, cast

from django.db import transaction
from django.db.models import Model
from django.http import HttpRequest
from import_export.admin import ExportMixin, ImportExportMixin
from import_export.formats.base_formats import CSV, XLSX, Format

from interview.admin.audit import AuditedAdmin, audit_import

FORMATS: list[type[Format]] = [CSV, XLSX]


# The import-export stubs type `model` and `change_list_template` unlike Django's ModelAdmin stubs.
class ExportAdmin(ExportMixin, AuditedAdmin):  # type: ignore[misc]
    """CSV and XLSX export, offered to whoever may view the rows."""

    # Class attributes shadow the mixin's settings-driven properties, so these formats hold
    # whatever IMPORT_EXPORT_FORMATS / EXPORT_FORMATS say.
    formats = FORMATS
    export_formats = FORMATS

    def has_export_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request)


class ImportExportAdmin(ImportExportMixin, ExportAdmin):  # type: ignore[misc]  # as ExportAdmin
    """CSV and XLSX export and import; importing needs add and change permission."""

    import_formats = FORMATS

    def has_import_permission(self, request: HttpRequest) -> bool:
        # import-export's default lets anyone who can open the changelist import (it needs
        # IMPORT_EXPORT_IMPORT_PERMISSION_CODE set otherwise); an import adds and changes rows.
        return self.has_add_permission(request) and self.has_change_permission(request)

    def process_import(self, request: HttpRequest, **kwargs: Any) -> Any:
        with transaction.atomic():  # the imported rows and their audit events commit together
            return super().process_import(request, **kwargs)

    def generate_log_entries(self, result: Any, request: HttpRequest) -> Any:
        audit_import(request, cast(type[Model], self.model), result)
        return super().generate_log_entries(result, request)
