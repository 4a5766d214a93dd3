"""Django admin for every interview model, with CSV/XLSX export (and import for the question catalogue).

Every admin here audits its adds, changes and deletes (AuditedAdmin, interview/admin/audit.py); the audit
log's own admin is interview/admin/audit_log.py.
"""

from __future__ import annotations

import json
from typing import Any

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.safestring import SafeString
from rest_framework.authtoken.admin import TokenAdmin as DrfTokenAdmin
from rest_framework.authtoken.models import TokenProxy

from interview import models as m
from interview.accounts.roles import role_request_decide
from interview.admin import audit_log  # noqa: F401  (registers the audit log's read-only admin)
from interview.admin import resources as r
from interview.admin.audit import AuditedAdmin
from interview.admin.base import ExportAdmin, ImportExportAdmin
from interview.admin.privacy import erase_accounts, export_data

User = get_user_model()


# --- Users and roles -----------------------------------------------------------------------------


class UserProfileInline(admin.StackedInline):
    model = m.UserProfile
    can_delete = False
    fields = ("role", "auth_provider", "daily_token_budget", "created_at", "updated_at")
    readonly_fields = ("created_at", "updated_at")


admin.site.unregister(User)
admin.site.unregister(Group)
admin.site.unregister(TokenProxy)


@admin.register(Group)
class GroupAdmin(AuditedAdmin, DjangoGroupAdmin):
    """Django's group admin, audited."""


@admin.register(TokenProxy)
class TokenAdmin(AuditedAdmin, DrfTokenAdmin):
    """DRF's token admin, audited; the event names the token by its user, never by its key."""

    audit_repr = False


@admin.register(User)
class UserAdmin(AuditedAdmin, DjangoUserAdmin):
    inlines = (UserProfileInline,)
    # The stubs make list_display generic in the model; Django's UserAdmin sets it on the class.
    list_display = (*DjangoUserAdmin.list_display, "role")  # type: ignore[misc]
    list_filter = (*DjangoUserAdmin.list_filter, "profile__role")
    list_select_related = ("profile",)
    actions = (export_data, erase_accounts)

    def get_inline_instances(self, request: HttpRequest, obj: Any = None) -> list[Any]:
        # Saving a new user makes its profile (signals.py); an inline on the add page would insert a second.
        return super().get_inline_instances(request, obj) if obj is not None else []

    @admin.display(description="role", ordering="profile__role")
    def role(self, user: Any) -> str:
        profile = getattr(user, "profile", None)
        return profile.get_role_display() if profile else "–"


@admin.register(m.UserProfile)
class UserProfileAdmin(ExportAdmin):
    resource_classes = [r.UserProfileResource]
    list_display = ("user", "role", "auth_provider", "created_at", "updated_at")
    list_filter = ("role", "auth_provider")
    search_fields = ("user__username", "user__email")
    date_hierarchy = "created_at"
    list_select_related = ("user",)
    autocomplete_fields = ("user",)
    readonly_fields = ("created_at", "updated_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # every user gets exactly one profile when it is created (signals.py)


@admin.register(m.RoleChangeRequest)
class RoleChangeRequestAdmin(ExportAdmin):
    resource_classes = [r.RoleChangeRequestResource]
    list_display = ("user", "requested_role", "status", "created_at", "reviewed_by", "reviewed_at")
    list_filter = ("status", "requested_role")
    search_fields = ("user__username", "user__email", "reason")
    date_hierarchy = "created_at"
    list_select_related = ("user", "reviewed_by")
    autocomplete_fields = ("user",)
    # Status changes only through the actions, so a decision always records who made it and when.
    readonly_fields = ("status", "reviewed_by", "reviewed_at", "created_at")
    actions = ("approve", "reject")

    @admin.action(description="Approve selected pending requests (grants the role)")
    def approve(self, request: HttpRequest, queryset: QuerySet[m.RoleChangeRequest]) -> None:
        self._decide(request, queryset, m.RoleChangeRequest.APPROVED)

    @admin.action(description="Reject selected pending requests")
    def reject(self, request: HttpRequest, queryset: QuerySet[m.RoleChangeRequest]) -> None:
        self._decide(request, queryset, m.RoleChangeRequest.REJECTED)

    def _decide(self, request: HttpRequest, queryset: QuerySet[m.RoleChangeRequest], status: str) -> None:
        selected = queryset.count()
        decided = len(role_request_decide(queryset=queryset, decision=status, reviewer=request.user))
        self.message_user(request, f"{status.capitalize()} {decided} request(s).", messages.SUCCESS)
        if skipped := selected - decided:
            self.message_user(request, f"Skipped {skipped} request(s) already decided.", messages.WARNING)


# --- Documents -----------------------------------------------------------------------------------


@admin.register(m.UploadedResume)
class UploadedResumeAdmin(ExportAdmin):
    resource_classes = [r.UploadedResumeResource]
    list_display = ("title", "user", "parsing_status", "uploaded_at")
    list_filter = ("parsing_status",)
    search_fields = ("title", "user__username", "user__email")
    date_hierarchy = "uploaded_at"
    list_select_related = ("user",)
    autocomplete_fields = ("user",)
    readonly_fields = ("uploaded_at", "parsed_at", "parsed_edited_at")


@admin.register(m.UploadedJobListing)
class UploadedJobListingAdmin(ExportAdmin):
    resource_classes = [r.UploadedJobListingResource]
    list_display = ("__str__", "user", "seniority_level", "parsing_status", "recommended_template", "created_at")
    list_filter = ("parsing_status", "seniority_level")
    search_fields = ("title", "filename", "user__username", "user__email")
    date_hierarchy = "created_at"
    list_select_related = ("user", "recommended_template")
    autocomplete_fields = ("user", "recommended_template")
    readonly_fields = ("created_at", "parsed_at")


# --- Question catalogue and templates -------------------------------------------------------------


@admin.register(m.Tag)
class TagAdmin(ImportExportAdmin):
    resource_classes = [r.TagResource]
    list_display = ("name", "question_count", "template_count")
    search_fields = ("name",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[m.Tag]:
        return (
            super()
            .get_queryset(request)
            .annotate(
                n_questions=Count("questions", distinct=True),
                n_templates=Count("templates", distinct=True),
            )
        )

    @admin.display(description="questions", ordering="n_questions")
    def question_count(self, tag: m.Tag) -> int:
        return tag.n_questions  # type: ignore[attr-defined]

    @admin.display(description="templates", ordering="n_templates")
    def template_count(self, tag: m.Tag) -> int:
        return tag.n_templates  # type: ignore[attr-defined]


class QuestionInline(admin.TabularInline):
    model = m.Question
    fields = ("text", "difficulty", "interview_type")
    extra = 0
    show_change_link = True  # tags are edited on the question's own page, keeping this form one query


@admin.register(m.QuestionBank)
class QuestionBankAdmin(ImportExportAdmin):
    resource_classes = [r.QuestionBankResource]
    inlines = (QuestionInline,)
    list_display = ("name", "owner", "is_shared", "question_count", "created_at", "updated_at")
    list_filter = ("is_shared",)
    search_fields = ("name", "description", "owner__username", "owner__email")
    date_hierarchy = "created_at"
    list_select_related = ("owner",)
    autocomplete_fields = ("owner",)
    readonly_fields = ("created_at", "updated_at")

    def get_queryset(self, request: HttpRequest) -> QuerySet[m.QuestionBank]:
        return super().get_queryset(request).annotate(n_questions=Count("questions"))

    @admin.display(description="questions", ordering="n_questions")
    def question_count(self, bank: m.QuestionBank) -> int:
        return bank.n_questions  # type: ignore[attr-defined]


@admin.register(m.Question)
class QuestionAdmin(ImportExportAdmin):
    resource_classes = [r.QuestionResource]
    list_display = ("__str__", "question_bank", "difficulty", "interview_type", "tag_names", "created_at")
    list_filter = ("difficulty", "interview_type", "tags")
    search_fields = ("text", "guidance", "question_bank__name", "tags__name")
    date_hierarchy = "created_at"
    list_select_related = ("question_bank",)
    autocomplete_fields = ("question_bank", "tags")
    readonly_fields = ("created_at",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[m.Question]:
        return super().get_queryset(request).prefetch_related("tags")

    @admin.display(description="tags")
    def tag_names(self, question: m.Question) -> str:
        return ", ".join(tag.name for tag in question.tags.all())


@admin.register(m.InterviewTemplate)
class InterviewTemplateAdmin(ImportExportAdmin):
    resource_classes = [r.InterviewTemplateResource]
    list_display = (
        "name",
        "user",
        "difficulty",
        "question_count",
        "easy_percentage",
        "medium_percentage",
        "hard_percentage",
        "max_follow_ups",
        "is_public",
        "created_at",
    )
    list_filter = ("difficulty", "is_public", "max_follow_ups", "tags")
    search_fields = ("name", "description", "user__username", "user__email")
    date_hierarchy = "created_at"
    list_select_related = ("user",)
    autocomplete_fields = ("user", "tags", "question_banks", "shared_with")
    readonly_fields = ("created_at", "updated_at")

    def get_queryset(self, request: HttpRequest) -> QuerySet[m.InterviewTemplate]:
        return super().get_queryset(request).prefetch_related("tags", "question_banks")


# --- Interviews ----------------------------------------------------------------------------------


@admin.register(m.Chat)
class ChatAdmin(ExportAdmin):
    resource_classes = [r.ChatResource]
    list_display = (
        "title",
        "user",
        "type",
        "difficulty",
        "status",
        "interviewer_model",
        "max_follow_ups",
        "created_at",
    )
    list_filter = ("type", "status", "difficulty")
    search_fields = ("title", "user__username", "user__email")
    date_hierarchy = "created_at"
    list_select_related = ("user",)
    autocomplete_fields = ("user", "resume", "job_listing")
    exclude = ("messages",)  # the transcript is written by the interview, shown read-only below
    readonly_fields = (
        "created_at",
        "updated_at",
        "started_at",
        "completed_at",
        "question_started_at",
        "question_deadline",
        "transcript",
    )

    class Media:
        css = {"all": ("css/admin.css",)}  # the transcript's layout, without an inline style

    @admin.display(description="messages")
    def transcript(self, chat: m.Chat) -> SafeString:
        rendered = json.dumps(chat.messages, indent=2, ensure_ascii=False)
        return format_html('<pre class="transcript-json">{}</pre>', rendered)


@admin.register(m.ExportableReport)
class ExportableReportAdmin(ExportAdmin):
    resource_classes = [r.ExportableReportResource]
    list_display = (
        "__str__",
        "overall_score",
        "professionalism_score",
        "subject_knowledge_score",
        "clarity_score",
        "pdf_generated",
        "needs_human_review",
        "generated_at",
    )
    list_filter = ("pdf_generated", "needs_human_review")
    search_fields = ("chat__title", "chat__user__username", "chat__user__email")
    date_hierarchy = "generated_at"
    list_select_related = ("chat__user",)
    autocomplete_fields = ("chat",)
    readonly_fields = ("generated_at", "last_updated")


@admin.register(m.InvitedInterview)
class InvitedInterviewAdmin(ExportAdmin):
    resource_classes = [r.InvitedInterviewResource]
    list_display = ("candidate_email", "interviewer", "template", "scheduled_time", "duration_minutes", "status")
    list_filter = ("status",)
    search_fields = ("candidate_email", "interviewer__username", "interviewer__email", "template__name")
    date_hierarchy = "scheduled_time"
    list_select_related = ("interviewer", "template")
    autocomplete_fields = ("interviewer", "template", "chat")
    readonly_fields = ("created_at",)


@admin.register(m.ReportVersion)
class ReportVersionAdmin(ExportAdmin):
    resource_classes = [r.ReportVersionResource]
    list_display = ("report", "version", "overall_score", "is_offline", "model_name", "generated_at")
    list_filter = ("is_offline",)
    search_fields = ("report__chat__title",)
    list_select_related = ("report__chat",)
    raw_id_fields = ("report",)
    readonly_fields = ("created_at",)


@admin.register(m.ObserverNote)
class ObserverNoteAdmin(ExportAdmin):
    resource_classes = [r.ObserverNoteResource]
    list_display = ("chat", "author", "question_index", "elapsed_seconds", "created_at")
    search_fields = ("text", "chat__title", "author__username")
    date_hierarchy = "created_at"
    list_select_related = ("chat", "author")
    autocomplete_fields = ("chat", "author")
    readonly_fields = ("created_at",)


# --- LLM usage -----------------------------------------------------------------------------------


@admin.register(m.TokenUsage)
class TokenUsageAdmin(ExportAdmin):
    """The usage ledger, read-only: editing a row would silently rewrite the cost history merges roll up."""

    resource_classes = [r.TokenUsageResource]
    list_display = (
        "created_at",
        "model_name",
        "request_type",
        "user",
        "branch_name",
        "prompt_tokens",
        "completion_tokens",
        "total_tokens",
        "estimated",
        "cost",
    )
    list_filter = ("model_name", "request_type", "estimated", "branch_name")
    search_fields = ("model_name", "branch_name", "request_type", "user__username", "chat__title")
    date_hierarchy = "created_at"
    list_select_related = ("user",)
    readonly_fields = ("total_tokens", "cost", "created_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Superusers may purge rows (test traffic, a user's data on request): a removal is a deliberate,
        # logged act, unlike an edit; everyone else gets a ledger they cannot alter.
        return request.user.is_superuser

    @admin.display(description="cost (USD)")
    def cost(self, usage: m.TokenUsage) -> str:
        cost = usage.estimate_cost()
        return "unknown" if cost is None else f"{cost:.6f}"  # an unpriced model is never guessed at


@admin.register(m.MergeTokenStats)
class MergeTokenStatsAdmin(ExportAdmin):
    """Merges as recorded by MergeTokenStats.create_from_branch; only the PR number and notes are editable."""

    resource_classes = [r.MergeTokenStatsResource]
    list_display = (
        "source_branch",
        "target_branch",
        "short_sha",
        "pr_number",
        "merged_by",
        "merge_date",
        "request_count",
        "total_tokens",
        "unpriced_tokens",
        "branch_cost_usd",
        "cumulative_total_tokens",
        "cumulative_cost_usd",
    )
    list_filter = ("target_branch",)
    search_fields = ("source_branch", "target_branch", "commit_sha", "merged_by__username", "notes")
    date_hierarchy = "merge_date"
    list_select_related = ("merged_by",)
    readonly_fields = tuple(
        field.name for field in m.MergeTokenStats._meta.fields if field.name not in {"id", "pr_number", "notes"}
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # a merge's totals come from the ledger and chain onto the previous merge's

    @admin.display(description="commit", ordering="commit_sha")
    def short_sha(self, stats: m.MergeTokenStats) -> str:
        return stats.commit_sha[:8]

    @admin.display(description="branch cost (USD)", ordering="total_cost")
    def branch_cost_usd(self, stats: m.MergeTokenStats) -> str:
        return f"{stats.branch_cost:.6f}"

    @admin.display(description="cumulative cost (USD)", ordering="cumulative_total_cost")
    def cumulative_cost_usd(self, stats: m.MergeTokenStats) -> str:
        return f"{stats.cumulative_total_cost:.6f}"


@admin.register(m.BudgetAlert)
class BudgetAlertAdmin(admin.ModelAdmin):
    """The monthly spending-cap emails sent (one per month and threshold); deleting one lets it be sent again."""

    list_display = ("month", "threshold", "sent_at")
    readonly_fields = ("month", "threshold", "sent_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # written by the alert check (interview/usage/alerts.py) only

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


from interview.admin import accommodations as _accommodations  # noqa: E402,F401  (registers the extra-time admin)
from interview.admin import fairness as _fairness  # noqa: E402,F401  (registers the term library's admin)
from interview.admin import scoring as _scoring  # noqa: E402,F401  (registers the scorecard admin)
