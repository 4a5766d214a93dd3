"""API endpoints of interviews (chats): create, list, read and delete."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any, cast

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from interview.accounts.permissions import can_observe_chat, can_view_chat
from interview.core.api_fields import CONSENT_403, IdField, as_drf_error, quota_response
from interview.core.errors import ServiceError
from interview.core.ids import ID_PATH_REGEX
from interview.core.ratelimits import CHAT_CREATE, COSTLY_429, rate_limit_hit, rate_limit_response
from interview.interviews.accommodation import MULTIPLIER_MESSAGE, multiplier_parse
from interview.interviews.chats import ChatDeleteRefused, NotFoundError, chat_create, chat_delete
from interview.interviews.selectors import key_questions_visible_to
from interview.models import Chat
from interview.models.templates import FOLLOW_UPS_MAX, FOLLOW_UPS_MIN

if TYPE_CHECKING:
    from django.contrib.auth.models import User


@extend_schema_field(
    {"type": "string", "description": "1.00, 1.25, 1.50 or 2.00 (a number is accepted too)", "example": "1.50"}
)
class TimeMultiplierField(serializers.Field):
    """An accommodation's time multiplier: 1, 1.25, 1.5 or 2, as a number or its text; anything else is a 400."""

    default_error_messages = {"invalid": MULTIPLIER_MESSAGE}

    def to_internal_value(self, data: Any) -> Decimal:
        try:
            return multiplier_parse(data)
        except ValueError:
            self.fail("invalid")

    def to_representation(self, value: Any) -> str:
        return f"{Decimal(value):.2f}"


class ChatSerializer(serializers.ModelSerializer):
    """An interview as the API shows it: its settings, status and key questions (as the requesting user may see them).

    A key question not yet asked keeps only its time limit and status for the candidate; see
    `key_questions_visible_to`. Without a request in the context nothing unasked is shown. A bank question's
    `guidance` (what a strong answer covers) is for interviewers only: the candidate never sees it.
    """

    type_display = serializers.CharField(source="get_type_display", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    key_questions = serializers.JSONField(read_only=True)
    time_multiplier = TimeMultiplierField(read_only=True)

    class Meta:
        model = Chat
        fields = [
            "id", "title", "type", "type_display", "difficulty", "status", "status_display", "resume",
            "job_listing", "key_questions", "interviewer_model", "max_follow_ups", "time_multiplier", "created_at",
            "updated_at", "started_at", "completed_at",
        ]  # fmt: skip
        read_only_fields = fields

    def to_representation(self, instance: Chat) -> dict[str, Any]:
        data = super().to_representation(instance)
        user = getattr(self.context.get("request"), "user", None)
        questions = key_questions_visible_to(user, instance)
        if not can_observe_chat(user, instance):
            questions = [{k: v for k, v in q.items() if k != "guidance"} for q in questions]
        data["key_questions"] = questions
        return data


class ChatDetailSerializer(ChatSerializer):
    """One interview with its transcript."""

    messages = serializers.JSONField(read_only=True)

    class Meta(ChatSerializer.Meta):
        fields = [*ChatSerializer.Meta.fields, "messages"]
        read_only_fields = fields


class ChatCreateSerializer(serializers.Serializer):
    """A new interview: title, type and difficulty, and optionally a resume, job listing, template id and policy."""

    title = serializers.CharField(max_length=Chat._meta.get_field("title").max_length)
    type = serializers.ChoiceField(choices=Chat.INTERVIEW_TYPE_CHOICES)
    difficulty = serializers.IntegerField(min_value=1, max_value=10)
    resume = IdField(required=False, allow_null=True)
    job_listing = IdField(required=False, allow_null=True)
    template = IdField(required=False, allow_null=True)
    max_follow_ups = serializers.IntegerField(
        min_value=FOLLOW_UPS_MIN,
        max_value=FOLLOW_UPS_MAX,
        required=False,
        allow_null=True,
        help_text=(
            "Follow-up questions the interviewer may ask per key question (0-3; default 1). With a template the "
            "template's policy holds for every candidate: leave this out, or send the same value (another is a 400)."
        ),
    )
    time_multiplier = TimeMultiplierField(
        required=False,
        help_text="Extra time: every time limit is multiplied by 1 (default), 1.25, 1.5 or 2; anything else is a 400.",
    )


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
        return Chat.objects.filter(user=cast("User", self.request.user)).select_related("invitation").defer("messages")

    def get_serializer_class(self) -> type[serializers.BaseSerializer]:
        return ChatDetailSerializer if self.action == "retrieve" else ChatSerializer

    def get_object(self) -> Chat:
        """The chat if the user may read it (its owner or a permitted observer); otherwise 404."""
        chat = Chat.objects.select_related("invitation").filter(pk=self.kwargs["pk"]).first()
        if chat is None or not can_view_chat(self.request.user, chat):
            raise NotFound("No such interview.")
        return chat

    @extend_schema(
        request=ChatCreateSerializer,
        responses={201: ChatSerializer, 403: CONSENT_403, 429: COSTLY_429},
        tags=["interviews"],
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Create an interview; someone else's resume, job listing or template id is a 404."""
        incoming = ChatCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        d = incoming.validated_data
        if (hit := rate_limit_hit(request, CHAT_CREATE)) is not None:
            return rate_limit_response(hit)
        try:
            chat = chat_create(
                user=request.user,
                title=d["title"],
                type=d["type"],
                difficulty=d["difficulty"],
                resume_id=d.get("resume"),
                job_listing_id=d.get("job_listing"),
                template_id=d.get("template"),
                max_follow_ups=d.get("max_follow_ups"),
                time_multiplier=d.get("time_multiplier"),
            )
        except NotFoundError as exc:
            raise NotFound(exc.message) from exc
        except DjangoValidationError as exc:
            raise as_drf_error(exc) from exc
        except ServiceError as exc:  # consent_required: the resume or listing would go to the model
            if (quota := quota_response(exc)) is not None:
                return quota
            return Response({"detail": exc.message, "code": exc.code}, status=status.HTTP_403_FORBIDDEN)
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
