"""import-export resources: the columns each model exports, and how imports resolve their relations."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, cast

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.db.models.functions import Lower
from import_export import fields, resources, widgets

from interview import models as m
from interview.core.spreadsheet import escape_formula

USERNAME = {"field": get_user_model().USERNAME_FIELD}


class ExistingManyToManyWidget(widgets.ManyToManyWidget):
    """A ManyToManyWidget that fails a row naming objects that don't exist, where the stock one drops them silently."""

    def normalise(self, key: str) -> str:
        """Return the form in which an imported key and a stored value are compared."""
        return key.strip()

    def matching(self, keys: list[str]) -> QuerySet[Any]:
        """Return the related objects whose key is one of keys (already normalised)."""
        return self.model.objects.filter(**{f"{self.field}__in": keys})

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> QuerySet[Any]:
        keys = self._keys(value)
        if not keys:
            return self.model.objects.none()
        found = {self.normalise(str(getattr(obj, self.field))): obj.pk for obj in self.matching(keys)}
        missing = [key for key in keys if key not in found]
        if missing:
            name = self.model._meta.verbose_name_plural
            raise ValueError(f"No {name} matching: {', '.join(missing)}. Import or create them first.")
        return self.model.objects.filter(pk__in=found.values())

    def _keys(self, value: Any) -> list[str]:
        if value is None or value == "":
            return []
        if isinstance(value, float) and value.is_integer():
            value = int(value)  # spreadsheets hand single ids over as floats
        parts = [str(value)] if isinstance(value, int) else str(value).split(self.separator)
        return list(dict.fromkeys(key for key in (self.normalise(part) for part in parts) if key))


class TagNamesWidget(ExistingManyToManyWidget):
    """Tags as comma-separated names, matched the way Tag itself compares names (normalised, any case)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(model=m.Tag, field="name", separator=",", **kwargs)

    def normalise(self, key: str) -> str:
        return m.normalise_tag_name(key).lower()

    def matching(self, keys: list[str]) -> QuerySet[m.Tag]:
        return m.Tag.objects.annotate(name_lower=Lower("name")).filter(name_lower__in=keys)


class ModelResource(resources.ModelResource):
    """Fields no form may edit (auto timestamps, derived totals) are exported but never imported; every
    exported cell is safe to open in a spreadsheet (text that would run as a formula is escaped)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        model = cast("type[Model]", self._meta.model)  # every Meta below names a model class
        model_fields = {f.name: f for f in model._meta.get_fields()}
        for name, field in self.fields.items():
            model_field = model_fields.get(name)
            if model_field is not None and not getattr(model_field, "editable", True):
                field.readonly = True

    def export_field(self, field: fields.Field, instance: Any, **kwargs: Any) -> Any:
        """Escape formulas here, for every format: import-export's own escaping only strips a leading "="
        and turns every cell (numbers, blanks) into text."""
        return escape_formula(super().export_field(field, instance, **kwargs))

    def import_instance(self, instance: Any, row: Any, **kwargs: Any) -> None:
        """Check many-to-many cells with the other fields, so a bad one is a row's validation error."""
        errors: dict[str, Any] = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        for field in self.get_import_fields():
            if isinstance(field.widget, widgets.ManyToManyWidget) and field.attribute and field.column_name in row:
                try:
                    field.clean(row)
                except ValueError as error:
                    errors[field.attribute] = [str(error)]
        if errors:
            raise ValidationError(errors)


# --- Import and export ---------------------------------------------------------------------------


class TagResource(ModelResource):
    id = fields.Field(attribute="id", column_name="id", readonly=True)

    class Meta:
        model = m.Tag
        fields = ("id", "name")
        import_id_fields = ("name",)
        clean_model_instances = True
        skip_unchanged = True

    def get_instance(self, instance_loader: Any, row: dict[str, Any]) -> m.Tag | None:
        """Match an imported tag to a stored one as Tag's unique constraint does: case-insensitively."""
        name = m.normalise_tag_name(str(row.get("name") or ""))
        return m.Tag.objects.filter(name__iexact=name).first() if name else None


class QuestionBankResource(ModelResource):
    class Meta:
        model = m.QuestionBank
        fields = ("id", "name", "description", "owner", "is_shared", "created_at", "updated_at")
        export_order = fields
        widgets = {"owner": USERNAME}
        clean_model_instances = True
        skip_unchanged = True


class QuestionResource(ModelResource):
    question_bank = fields.Field(
        attribute="question_bank", column_name="question_bank", widget=widgets.ForeignKeyWidget(m.QuestionBank)
    )
    tags = fields.Field(attribute="tags", column_name="tags", widget=TagNamesWidget())

    class Meta:
        model = m.Question
        fields = ("id", "question_bank", "text", "difficulty", "interview_type", "tags", "guidance", "created_at")
        export_order = fields
        clean_model_instances = True
        skip_unchanged = True


class InterviewTemplateResource(ModelResource):
    tags = fields.Field(attribute="tags", column_name="tags", widget=TagNamesWidget())
    question_banks = fields.Field(
        attribute="question_banks",
        column_name="question_banks",
        widget=ExistingManyToManyWidget(model=m.QuestionBank, field="pk"),
    )

    class Meta:
        model = m.InterviewTemplate
        fields = (
            "id",
            "name",
            "description",
            "user",
            "difficulty",
            "question_count",
            "easy_percentage",
            "medium_percentage",
            "hard_percentage",
            "max_follow_ups",
            "tags",
            "question_banks",
            "is_public",
            "created_at",
            "updated_at",
        )
        export_order = fields
        widgets = {"user": USERNAME}
        clean_model_instances = True  # runs the model's check that the percentages add up to 100
        skip_unchanged = True


# --- Export only ---------------------------------------------------------------------------------


class UserProfileResource(ModelResource):
    class Meta:
        model = m.UserProfile
        fields = ("id", "user", "user__email", "role", "auth_provider", "created_at", "updated_at")
        export_order = fields
        widgets = {"user": USERNAME}


class UploadedResumeResource(ModelResource):
    class Meta:
        model = m.UploadedResume
        # Metadata only: the extracted text and the parsed fields are a candidate's personal data, not a CSV's.
        fields = ("id", "user", "title", "file", "uploaded_at", "parsing_status", "parsing_error", "parsed_at")
        export_order = fields
        widgets = {"user": USERNAME}


class UploadedJobListingResource(ModelResource):
    class Meta:
        model = m.UploadedJobListing
        fields = (
            "id",
            "user",
            "title",
            "filename",
            "seniority_level",
            "required_skills",
            "recommended_template",
            "parsing_status",
            "parsing_error",
            "created_at",
            "parsed_at",
        )
        export_order = fields
        widgets = {"user": USERNAME}


class ChatResource(ModelResource):
    class Meta:
        model = m.Chat
        # Without the transcript: a JSON blob per cell makes the sheet unusable; reports carry the outcome.
        fields = (
            "id",
            "user",
            "title",
            "type",
            "difficulty",
            "status",
            "interviewer_model",
            "max_follow_ups",
            "resume",
            "job_listing",
            "created_at",
            "started_at",
            "completed_at",
        )
        export_order = fields
        widgets = {"user": USERNAME}


class ExportableReportResource(ModelResource):
    class Meta:
        model = m.ExportableReport
        fields = (
            "id",
            "chat",
            "chat__title",
            "chat__user__username",
            "overall_score",
            "professionalism_score",
            "subject_knowledge_score",
            "clarity_score",
            "total_questions_asked",
            "total_responses_given",
            "interview_duration_minutes",
            "feedback_text",
            "generated_at",
            "last_updated",
        )
        export_order = fields


class TokenUsageResource(ModelResource):
    estimated_cost_usd = fields.Field(column_name="estimated_cost_usd", readonly=True)

    class Meta:
        model = m.TokenUsage
        fields = (
            "id",
            "created_at",
            "user",
            "model_name",
            "request_type",
            "branch_name",
            "chat",
            "prompt_tokens",
            "completion_tokens",
            "total_tokens",
            "estimated",
            "estimated_cost_usd",
        )
        export_order = fields
        widgets = {"user": USERNAME}

    def dehydrate_estimated_cost_usd(self, usage: m.TokenUsage) -> Decimal | str:
        """The priced cost, or "unknown" for a model missing from the price table: never a guess."""
        cost = usage.estimate_cost()
        return "unknown" if cost is None else cost


class MergeTokenStatsResource(ModelResource):
    class Meta:
        model = m.MergeTokenStats
        fields = (
            "id",
            "merge_date",
            "source_branch",
            "target_branch",
            "commit_sha",
            "pr_number",
            "merged_by",
            "request_count",
            "total_prompt_tokens",
            "total_completion_tokens",
            "total_tokens",
            "unpriced_tokens",
            "total_cost",
            "cumulative_total_tokens",
            "cumulative_total_cost",
            "notes",
        )
        export_order = fields
        widgets = {"merged_by": USERNAME}


class InvitedInterviewResource(ModelResource):
    class Meta:
        model = m.InvitedInterview
        fields = (
            "id",
            "interviewer",
            "candidate_email",
            "template",
            "template__name",
            "scheduled_time",
            "duration_minutes",
            "status",
            "chat",
            "interviewer_feedback",
            "created_at",
        )
        export_order = fields
        widgets = {"interviewer": USERNAME}


class RoleChangeRequestResource(ModelResource):
    class Meta:
        model = m.RoleChangeRequest
        fields = (
            "id",
            "user",
            "requested_role",
            "reason",
            "status",
            "reviewed_by",
            "reviewed_at",
            "admin_notes",
            "created_at",
        )
        export_order = fields
        widgets = {"user": USERNAME, "reviewed_by": USERNAME}


class ObserverNoteResource(ModelResource):
    class Meta:
        model = m.ObserverNote
        fields = ("id", "chat", "chat__title", "author", "text", "elapsed_seconds", "question_index", "created_at")
        export_order = fields
        widgets = {"author": USERNAME}


class ReportVersionResource(ModelResource):
    class Meta:
        model = m.ReportVersion
        fields = (
            "id",
            "report",
            "report__chat__title",
            "version",
            "professionalism_score",
            "subject_knowledge_score",
            "clarity_score",
            "overall_score",
            "is_offline",
            "model_name",
            "generated_at",
        )
        export_order = fields


class AuditEventResource(ModelResource):
    """The audit log as exported from its admin (CSV/XLSX); never imported."""

    class Meta:
        model = m.AuditEvent
        fields = (
            "id",
            "created_at",
            "actor",
            "actor_label",
            "subject",
            "action",
            "target_type",
            "target_id",
            "ip",
            "user_agent",
            "detail",
        )
        export_order = fields
        widgets = {"actor": USERNAME, "subject": USERNAME}
