"""REST API for interviews (chats) and interview templates."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q, QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from interview.accounts.permissions import IsInterviewerOrAdmin, can_view_chat
from interview.core.api_fields import IdField
from interview.core.ids import ID_PATH_REGEX
from interview.models import Chat, InterviewTemplate, QuestionBank
from interview.selectors import key_questions_visible_to
from interview.services.chats import ChatDeleteRefused, NotFoundError, chat_create, chat_delete
from interview.setup.interview_templates import (
    TemplateData,
    template_copy,
    template_create,
    template_delete,
    template_update,
)


def as_drf_error(exc: DjangoValidationError) -> DRFValidationError:
    """A service's ValidationError as a 400 with field errors ("non_field_errors" for the rest)."""
    if hasattr(exc, "error_dict"):
        return DRFValidationError(
            {("non_field_errors" if k == "__all__" else k): v for k, v in exc.message_dict.items()}
        )
    return DRFValidationError({"non_field_errors": exc.messages})


# --- Chats ---------------------------------------------------------------------------------------


class ChatSerializer(serializers.ModelSerializer):
    """An interview as the API shows it: its settings, status and key questions (as the requesting user may see them).

    A key question not yet asked keeps only its time limit and status for the candidate; see
    `key_questions_visible_to`. Without a request in the context nothing unasked is shown.
    """

    type_display = serializers.CharField(source="get_type_display", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    key_questions = serializers.JSONField(read_only=True)

    class Meta:
        model = Chat
        fields = [
            "id", "title", "type", "type_display", "difficulty", "status", "status_display", "resume",
            "job_listing", "key_questions", "interviewer_model", "created_at", "updated_at", "started_at",
            "completed_at",
        ]  # fmt: skip
        read_only_fields = fields

    def to_representation(self, instance: Chat) -> dict[str, Any]:
        data = super().to_representation(instance)
        request = self.context.get("request")
        data["key_questions"] = key_questions_visible_to(getattr(request, "user", None), instance)
        return data


class ChatDetailSerializer(ChatSerializer):
    """One interview with its transcript."""

    messages = serializers.JSONField(read_only=True)

    class Meta(ChatSerializer.Meta):
        fields = [*ChatSerializer.Meta.fields, "messages"]
        read_only_fields = fields


class ChatCreateSerializer(serializers.Serializer):
    """A new interview: title, type and difficulty, and optionally a resume, job listing and template id."""

    title = serializers.CharField(max_length=Chat._meta.get_field("title").max_length)
    type = serializers.ChoiceField(choices=Chat.INTERVIEW_TYPE_CHOICES)
    difficulty = serializers.IntegerField(min_value=1, max_value=10)
    resume = IdField(required=False, allow_null=True)
    job_listing = IdField(required=False, allow_null=True)
    template = IdField(required=False, allow_null=True)


@extend_schema_view(
    list=extend_schema(summary="Your interviews, newest first", tags=["interviews"]),
    retrieve=extend_schema(summary="One interview with its transcript", tags=["interviews"]),
    destroy=extend_schema(summary="Delete one of your interviews", tags=["interviews"]),
)
class ChatViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet):
    """The user's interviews: create (with key questions fixed at once), list, read and delete."""

    serializer_class = ChatSerializer
    queryset = Chat.objects.none()  # for the schema; get_queryset is per user
    lookup_value_regex = ID_PATH_REGEX

    def get_queryset(self) -> QuerySet[Chat]:
        return Chat.objects.filter(user=self.request.user).select_related("invitation").defer("messages")

    def get_serializer_class(self) -> type[serializers.BaseSerializer]:
        return ChatDetailSerializer if self.action == "retrieve" else ChatSerializer

    def get_object(self) -> Chat:
        """The chat if the user may read it (its owner or a permitted observer); otherwise 404."""
        chat = Chat.objects.select_related("invitation").filter(pk=self.kwargs["pk"]).first()
        if chat is None or not can_view_chat(self.request.user, chat):
            raise NotFound("No such interview.")
        return chat

    @extend_schema(request=ChatCreateSerializer, responses={201: ChatSerializer}, tags=["interviews"])
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Create an interview; someone else's resume, job listing or template id is a 404."""
        incoming = ChatCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        d = incoming.validated_data
        try:
            chat = chat_create(
                user=request.user,
                title=d["title"],
                type=d["type"],
                difficulty=d["difficulty"],
                resume_id=d.get("resume"),
                job_listing_id=d.get("job_listing"),
                template_id=d.get("template"),
            )
        except NotFoundError as exc:
            raise NotFound(exc.message) from exc
        except DjangoValidationError as exc:
            raise as_drf_error(exc) from exc
        return Response(
            ChatSerializer(chat, context=self.get_serializer_context()).data, status=status.HTTP_201_CREATED
        )

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Delete a practice interview; an invited one is kept for its interviewer (403 with the reason)."""
        chat = self.get_object()
        if chat.user_id != request.user.pk:
            raise PermissionDenied("Only the candidate can delete an interview.")
        try:
            chat_delete(user=request.user, chat_id=chat.pk)
        except ChatDeleteRefused as exc:
            return Response({"detail": exc.message, "code": exc.code}, status=status.HTTP_403_FORBIDDEN)
        except NotFoundError as exc:
            raise NotFound(exc.message) from exc
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- Interview templates -------------------------------------------------------------------------


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

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        total = sum(attrs[k] for k in ("easy_percentage", "medium_percentage", "hard_percentage"))
        if total != 100:
            raise DRFValidationError(f"Easy, medium and hard percentages must add up to 100 (they add up to {total}).")
        return attrs

    def to_data(self, user: Any, template: InterviewTemplate | None = None) -> TemplateData:
        """The validated fields as the template services take them; unknown bank ids or usernames are a 400."""
        d = self.validated_data
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
        fields = ("name", "description", "difficulty", "question_count", "is_public")
        shares = ("easy_percentage", "medium_percentage", "hard_percentage")
        return TemplateData(**{k: d[k] for k in fields + shares}, tag_names=d["tags"], banks=banks, shared_with=users)


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
    http_method_names = ["get", "post", "put", "delete", "head", "options"]

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
            self.action in ("update", "destroy")
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
