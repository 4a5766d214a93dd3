"""The admin of extra-time requests (issue 22): read them, and correct one like any audited row."""

from __future__ import annotations

from django.contrib import admin

from interview import models as m
from interview.admin.audit import AuditedAdmin


@admin.register(m.AccommodationRequest)
class AccommodationRequestAdmin(AuditedAdmin):
    list_display = ("invitation", "requested_multiplier", "status", "created_at", "decided_by", "decided_at")
    list_filter = ("status",)
    search_fields = ("invitation__candidate_email", "invitation__interviewer__username")
    list_select_related = ("invitation", "decided_by")
    raw_id_fields = ("invitation", "decided_by")
    readonly_fields = ("created_at",)
