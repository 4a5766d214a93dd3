"""REST API for interview templates."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q, QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import APIException, PermissionDenied
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from interview.accounts.permissions import IsInterviewerOrAdmin
from interview.core.api_fields import IdField, as_drf_error
from interview.core.errors import ErrorCode
from interview.core.ids import ID_PATH_REGEX
from interview.core.rubric import CRITERIA_MAX, CRITERIA_MIN, RubricError, validate_rubric
from interview.models import InterviewTemplate, QuestionBank
from interview.models.templates import FOLLOW_UPS_DEFAULT, FOLLOW_UPS_MAX, FOLLOW_UPS_MIN
from interview.setup.interview_templates import (
    TemplateData,
    template_copy,
    template_create,
    template_delete,
    template_update,
)

# --- Interview templates -------------------------------------------------------------------------

RUBRIC_HELP = (
    f"The criteria interviews from this template are scored on: a list of {CRITERIA_MIN}-{CRITERIA_MAX} objects "
    '{"key", "name", "description", "anchors": {"1", "3", "5"}, "weight"} with unique keys (lower-case letters, '
    "digits and underscores), all three anchors and weights > 0, stored normalised to sum to 1. Omitted: a new "
    "template gets the default rubric (professionalism, subject knowledge, clarity), an update keeps the rubric. "
    "The AI scores each criterion 0-100; the 1-5 bands are 0-19, 20-39, 40-59, 60-79 and 80-100. Refused with "
    '400 {"code": "invalid_rubric", "detail": ..., "problems": [...]}.'
)


class InvalidRubric(APIException):
    """A rubric that fails validation: 400 with the code `invalid_rubric` and every problem listed."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_code = ErrorCode.INVALID_RUBRIC

    def __init__(self, problems: list[str]) -> None:
        super().__init__(
            {"detail": "The rubric is not valid.", "code": ErrorCode.INVALID_RUBRIC.value, "problems": problems}
        )


class TemplateSerializer(serializers.Serializer):
    """A template as `InterviewTemplate.to_dict()` describes it (the write fields are the same names)."""

    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    difficulty = serializers.IntegerField(min_value=1, max_value=5)
    difficulty_display = serializers.CharField(read_only=True)
    question_count = serializers.IntegerField(min_value=1, max_value=50)
    easy_percentage = serializers.IntegerField(min_value=0, max_value=100)
    medium_percentage = serializers.IntegerField(min_value=0, max_value=100)
    hard_percentage = serializers.IntegerField(min_value=0, max_value=100)
    max_follow_ups = serializers.IntegerField(
        min_value=FOLLOW_UPS_MIN,
        max_value=FOLLOW_UPS_MAX,
        required=False,
        default=FOLLOW_UPS_DEFAULT,
        help_text="Follow-up questions per key question (0-3), the same for every candidate of the template.",
    )
    rubric = serializers.JSONField(required=False, allow_null=True, help_text=RUBRIC_HELP)
    tags = serializers.ListField(child=serializers.CharField(max_length=60), required=False, default=list)
    question_bank_ids = serializers.ListField(child=IdField(), write_only=True)
    question_banks = serializers.ListField(child=serializers.DictField(), read_only=True)
    is_public = serializers.BooleanField(required=False, default=False)
    shared_with = serializers.ListField(
        child=serializers.CharField(), required=False, default=list, write_only=True, help_text="Usernames."
    )
    owner = serializers.CharField(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)

    def to_representation(self, instance: InterviewTemplate) -> dict[str, Any]:
        return instance.to_dict()

    def validate_rubric(self, value: Any) -> list[dict[str, Any]]:
        try:
            return validate_rubric(value)
        except RubricError as exc:
            raise InvalidRubric(exc.problems) from exc

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        current = self.instance.to_dict() if self.partial and self.instance is not None else {}
        total = sum(
            attrs.get(k, current.get(k, 0)) for k in ("easy_percentage", "medium_percentage", "hard_percentage")
        )
        if total != 100:
            raise DRFValidationError(f"Easy, medium and hard percentages must add up to 100 (they add up to {total}).")
        return attrs

    def to_data(self, user: Any, template: InterviewTemplate | None = None) -> TemplateData:
        """The validated fields as the template services take them; unknown bank ids or usernames are a 400."""
        d = self._with_current(template) if self.partial and template is not None else self.validated_data
        visible = QuestionBank.objects.visible_to(user)
        if template is not None:
            visible = QuestionBank.objects.filter(Q(pk__in=visible) | Q(pk__in=template.question_banks.all()))
        banks = list(visible.filter(pk__in=d["question_bank_ids"]))
        missing = set(d["question_bank_ids"]) - {b.pk for b in banks}
        users = list(get_user_model()._default_manager.filter(username__in=d["shared_with"]))
        unknown = set(d["shared_with"]) - {u.username for u in users}
        errors = {}
        if missing:
            errors["question_bank_ids"] = [f"No such question bank: {', '.join(map(str, sorted(missing)))}."]
        if unknown:
            errors["shared_with"] = [f"No such user: {', '.join(sorted(unknown))}."]
        if errors:
            raise DRFValidationError(errors)
        fields = ("name", "description", "difficulty", "question_count", "is_public", "max_follow_ups")
        shares = ("easy_percentage", "medium_percentage", "hard_percentage")
        return TemplateData(
            **{k: d[k] for k in fields + shares},
            tag_names=d["tags"],
            banks=banks,
            shared_with=users,
            rubric=d.get("rubric"),
        )

    def _with_current(self, template: InterviewTemplate) -> dict[str, Any]:
        """A partial update's fields on top of the template's current ones (PATCH)."""
        current = template.to_dict()
        current |= {
            "question_bank_ids": [b["id"] for b in current["question_banks"]],
            "shared_with": [u.username for u in template.shared_with.all()],
        }
        current.pop("rubric")
        return current | dict(self.validated_data)


class ReadOrInterviewer(BasePermission):
    """Reading is for every signed-in user (public templates are for practice); writing is for interviewers."""

    def has_permission(self, request: Request, view: Any) -> bool:
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return bool(request.user and request.user.is_authenticated)
        return IsInterviewerOrAdmin().has_permission(request, view)


@extend_schema_view(
    list=extend_schema(summary="Templates you may use", tags=["templates"]),
    retrieve=extend_schema(summary="One template", tags=["templates"]),
    create=extend_schema(summary="Create a template (interviewers)", tags=["templates"]),
    update=extend_schema(summary="Replace a template you own", tags=["templates"]),
    partial_update=extend_schema(
        summary="Change some fields (e.g. the rubric) of a template you own", tags=["templates"]
    ),
    destroy=extend_schema(summary="Delete a template you own", tags=["templates"]),
)
class TemplateViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Interview templates: everyone reads the ones they may use; interviewers change their own."""

    serializer_class = TemplateSerializer
    permission_classes = [IsAuthenticated, ReadOrInterviewer]
    queryset = InterviewTemplate.objects.none()
    lookup_value_regex = ID_PATH_REGEX
    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]

    def get_queryset(self) -> QuerySet[InterviewTemplate]:
        visible = InterviewTemplate.objects.visible_to(self.request.user)
        return (
            visible.select_related("user")
            .prefetch_related("tags", "question_banks")
            .order_by("difficulty", "name", "id")
        )

    def get_object(self) -> InterviewTemplate:
        """A template the user may use; changing it needs ownership (admins: any), else 403."""
        template = super().get_object()
        if (
            self.action in ("update", "partial_update", "destroy")
            and not InterviewTemplate.objects.editable_by(self.request.user).filter(pk=template.pk).exists()
        ):
            raise PermissionDenied("Only the template's owner (or an admin) can change it. Copy it to make your own.")
        return template

    def perform_create(self, serializer: TemplateSerializer) -> None:  # type: ignore[override]
        try:
            serializer.instance = template_create(user=self.request.user, data=serializer.to_data(self.request.user))
        except DjangoValidationError as exc:
            raise as_drf_error(exc) from exc

    def perform_update(self, serializer: TemplateSerializer) -> None:  # type: ignore[override]
        template = serializer.instance
        assert template is not None  # an update always has its instance
        try:
            template_update(template=template, data=serializer.to_data(self.request.user, template))
        except DjangoValidationError as exc:
            raise as_drf_error(exc) from exc

    def perform_destroy(self, instance: InterviewTemplate) -> None:
        template_delete(template=instance)

    @extend_schema(
        request=None, responses={201: TemplateSerializer}, summary="Copy into a private template", tags=["templates"]
    )
    @action(detail=True, methods=["post"])
    def copy(self, request: Request, pk: str | None = None) -> Response:
        """Make a private copy, owned by the caller, of a template they may use."""
        copy = template_copy(template=self.get_object(), user=request.user)
        return Response(TemplateSerializer(copy).data, status=status.HTTP_201_CREATED)
