"""Admin of the fairness term library (issue 21): list, search, filter by category and severity, edit.

Every change is audited (AuditedAdmin); an empty or duplicate term (ignoring case) is refused on the form,
by the model's clean() and its constraints, and by the database's.
"""

from __future__ import annotations

from django.contrib import admin

from interview import models as m
from interview.admin.audit import AuditedAdmin


@admin.register(m.FairnessTerm)
class FairnessTermAdmin(AuditedAdmin):
    list_display = ("term", "category", "severity", "active", "explanation", "updated_at")
    list_filter = ("category", "severity", "active")
    list_editable = ("severity", "active")
    search_fields = ("term", "explanation")
    ordering = ("category", "term")
    fields = ("term", "category", "severity", "explanation", "active", "created_at", "updated_at")
    readonly_fields = ("created_at", "updated_at")
