"""Admin of scorecards (read them, reopen submitted ones: the only change an admin makes, recorded) and of
score overrides (read only: an override is made on the report page or API, with its reason)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from interview import models as m
from interview.core.errors import ServiceError
from interview.scoring.services import scorecard_reopen


@admin.register(m.Scorecard)
class ScorecardAdmin(admin.ModelAdmin):
    list_display = ("chat", "interviewer", "status", "recommendation", "submitted_at", "reopened_at", "reopened_by")
    list_filter = ("status", "recommendation")
    search_fields = ("interviewer__username", "chat__title", "chat__user__username")
    list_select_related = ("chat", "interviewer", "reopened_by")
    # Scores are the interviewer's; an admin only reopens, through the action, so it is recorded.
    readonly_fields = (
        "chat", "interviewer", "scores", "recommendation", "notes", "status", "submitted_at", "reopened_at",
        "reopened_by", "created_at", "updated_at",
    )  # fmt: skip
    actions = ("reopen",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description="Reopen selected submitted scorecards (they become drafts again)")
    def reopen(self, request: HttpRequest, queryset: QuerySet[m.Scorecard]) -> None:
        reopened = skipped = 0
        for card in queryset.filter(status=m.Scorecard.SUBMITTED):
            try:
                scorecard_reopen(scorecard_id=card.pk, by=request.user, now=timezone.now())
            except ServiceError as exc:
                self.message_user(request, exc.message, messages.ERROR)
                return
            reopened += 1
        skipped = queryset.count() - reopened
        self.message_user(request, f"Reopened {reopened} scorecard(s).", messages.SUCCESS)
        if skipped:
            self.message_user(request, f"Skipped {skipped} scorecard(s) that were not submitted.", messages.WARNING)


@admin.register(m.ScoreOverride)
class ScoreOverrideAdmin(admin.ModelAdmin):
    list_display = ("report", "kind", "question_number", "criterion_key", "ai_score", "score", "by", "created_at")
    list_filter = ("kind",)
    search_fields = ("report__chat__title", "by__username", "reason")
    list_select_related = ("report__chat", "by")
    readonly_fields = (
        "report", "kind", "question_number", "criterion_key", "ai_score", "score", "reason", "by", "version",
        "created_at",
    )  # fmt: skip

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: m.ScoreOverride | None = None) -> bool:
        return False
