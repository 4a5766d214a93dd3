"""REST API for resumes and job listings: list, upload or paste, read, delete, re-parse, and edit a resume's parsed
fields.

Owners only, except that interviewers and admins may read documents attached to chats they may
observe; any other document is a 404. Uploads over the size limit are cut off while the body is
read (413); refused files are a 400 naming the reason; a user over UPLOAD_MAX_PER_HOUR gets a 429
with Retry-After (code `upload_rate_limited`), and so does one past the upload or re-parse request rates
(settings.RATE_LIMITS, code `rate_limited`); nothing is stored for any of them.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from interview.core.api_fields import CONSENT_403, quota_response
from interview.core.errors import ErrorCode, ServiceError
from interview.core.ids import ID_PATH_REGEX, parse_id
from interview.core.ratelimits import (
    COSTLY_429,
    DOCUMENT_REPARSE,
    DOCUMENT_UPLOAD,
    RATE_LIMITED_429,
    rate_limit_hit,
    rate_limit_response,
)
from interview.documents import selectors as sel
from interview.documents import services as svc
from interview.documents.forms import limit_upload_size, upload_too_large_message
from interview.documents.job_parsing import job_listing_reparse
from interview.documents.resume_parsing import resume_reparse
from interview.documents.resume_rules import RULES_PARSER
from interview.extraction.sniff import EXTENSIONS
from interview.models import InterviewTemplate, UploadedJobListing, UploadedResume

Document = UploadedResume | UploadedJobListing


class _DocumentFields(serializers.ModelSerializer):
    """Fields every document shows: the kind of file it came from and where to download it."""

    file_type = serializers.SerializerMethodField(help_text="pdf, docx or txt; null for pasted text.")
    download_url = serializers.SerializerMethodField(help_text="The uploaded file (owner or observer session).")

    def get_file_type(self, document: Document) -> str | None:
        if not document.file:
            return None
        return EXTENSIONS.get("." + (document.file.name or "").rsplit(".", 1)[-1].lower())

    def get_download_url(self, document: Document) -> str | None:
        if not document.file:
            return None
        name = "resume_download" if isinstance(document, UploadedResume) else "job_download"
        url = reverse(name, args=[document.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request is not None else url


class ResumeSerializer(_DocumentFields):
    """A resume, the text read from it, its parsing status and what parsing (or the owner's edit) found."""

    skills = serializers.ListField(child=serializers.CharField(), read_only=True)
    experience = serializers.ListField(child=serializers.DictField(), read_only=True)
    education = serializers.ListField(child=serializers.DictField(), read_only=True)
    parsed_by_rules = serializers.SerializerMethodField(
        help_text="True when no AI model is configured and only known skills were found by plain rules."
    )

    class Meta:
        model = UploadedResume
        fields = [
            "id", "title", "file_type", "text_content", "uploaded_at", "download_url", "parsing_status",
            "parsing_error", "parsed_at", "parsed_by_rules", "parsed_edited_at", "skills", "experience", "education",
            "summary",
        ]  # fmt: skip
        read_only_fields = fields

    def get_parsed_by_rules(self, resume: UploadedResume) -> bool:
        return resume.parsed_by == RULES_PARSER


class ResumeCreateSerializer(serializers.Serializer):
    """A title and either `file` (multipart: PDF, DOCX or TXT) or `content` (pasted text; JSON or form)."""

    title = serializers.CharField(max_length=UploadedResume._meta.get_field("title").max_length)
    file = serializers.FileField(required=False)
    content = serializers.CharField(required=False, allow_blank=True, trim_whitespace=True)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if bool(attrs.get("file")) == bool(attrs.get("content")):
            raise serializers.ValidationError("Send either a file or content (the pasted resume).")
        return attrs


class ResumeEditSerializer(serializers.Serializer):
    """Any of the parsed fields, replaced whole (limits in docs/architecture.md "Resume parsing")."""

    skills = serializers.ListField(child=serializers.CharField(allow_blank=True, trim_whitespace=False), required=False)
    experience = serializers.ListField(child=serializers.DictField(), required=False)
    education = serializers.ListField(child=serializers.DictField(), required=False)
    summary = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)


class ReparseSerializer(serializers.Serializer):
    """`confirm: true` replaces the owner's edits of the parsed fields (otherwise 409 confirm_required)."""

    confirm = serializers.BooleanField(required=False, default=False)


class TemplateSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = InterviewTemplate
        fields = ["id", "name", "difficulty"]
        read_only_fields = fields


class JobListingSerializer(_DocumentFields):
    """A job listing, its parsing status and what parsing found."""

    recommended_template = TemplateSummarySerializer(read_only=True, allow_null=True)
    required_skills = serializers.ListField(child=serializers.CharField(), read_only=True)
    requirements = serializers.DictField(read_only=True)

    class Meta:
        model = UploadedJobListing
        fields = [
            "id", "title", "filename", "file_type", "content", "created_at", "parsing_status", "parsing_error",
            "parsed_at", "required_skills", "seniority_level", "requirements", "recommended_template", "download_url",
        ]  # fmt: skip
        read_only_fields = fields


class JobListingCreateSerializer(serializers.Serializer):
    """A title and either `file` (multipart) or `content` (pasted text; JSON or form)."""

    title = serializers.CharField(
        max_length=UploadedJobListing._meta.get_field("title").max_length, required=False, allow_blank=True
    )
    file = serializers.FileField(required=False)
    content = serializers.CharField(required=False, allow_blank=True, trim_whitespace=True)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if bool(attrs.get("file")) == bool(attrs.get("content")):
            raise serializers.ValidationError("Send either a file or content (the pasted job description).")
        return attrs


class _DocumentViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet
):
    parser_classes = [MultiPartParser, FormParser]
    lookup_value_regex = ID_PATH_REGEX

    def initialize_request(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Request:
        # Before DRF (or its CSRF check) reads the body, so an oversize file is never written anywhere.
        if request.method == "POST":
            limit_upload_size(request)
        return super().initialize_request(request, *args, **kwargs)

    def readable(self, pk: Any) -> Document | None:
        raise NotImplementedError

    def get_object(self) -> Any:
        """The document if the user may read it; otherwise 404."""
        pk = parse_id(self.kwargs["pk"])
        document = self.readable(pk) if pk is not None else None
        if document is None:
            raise NotFound("No such document.")
        return document

    def owned_object(self) -> Any:
        """The document if the user owns it: 403 for a reader who is not the owner, else 404."""
        document = self.get_object()
        if not sel.document_is_owned(self.request.user, document):
            raise PermissionDenied("Only the owner can change or delete this document.")
        return document

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        svc.document_delete(document=self.owned_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    def refused(self, exc: ServiceError, field: str) -> Response:
        if isinstance(exc, svc.UploadRateLimited):
            headers = {"Retry-After": str(exc.retry_after)}
            body = {"detail": exc.message, "code": exc.code}
            return Response(body, status=status.HTTP_429_TOO_MANY_REQUESTS, headers=headers)
        if exc.code == ErrorCode.CONSENT_REQUIRED:
            return Response({"detail": exc.message, "code": exc.code}, status=status.HTTP_403_FORBIDDEN)
        return Response({field: [exc.message]}, status=status.HTTP_400_BAD_REQUEST)

    def too_large(self, request: Request) -> Response | None:
        request.data  # noqa: B018  (parse the body now: the size flag is set while it is read)
        message = upload_too_large_message(request._request)
        return Response({"file": [message]}, status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE) if message else None


@extend_schema_view(
    list=extend_schema(summary="Your resumes, newest first", tags=["documents"]),
    retrieve=extend_schema(summary="One resume with its text and parsed fields", tags=["documents"]),
    destroy=extend_schema(summary="Delete one of your resumes", tags=["documents"]),
)
class ResumeViewSet(_DocumentViewSet):
    """The user's resumes: upload or paste (parsed in the background), list, read, edit parsed fields, re-parse."""

    serializer_class = ResumeSerializer
    queryset = UploadedResume.objects.none()  # for the schema; get_queryset is per user
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    def get_queryset(self) -> QuerySet[UploadedResume]:
        return sel.resume_list_for_user(self.request.user)

    def readable(self, pk: Any) -> Document | None:
        return sel.resume_get_for_user(self.request.user, pk)

    @extend_schema(
        request={"multipart/form-data": ResumeCreateSerializer, "application/json": ResumeCreateSerializer},
        responses={201: ResumeSerializer, 403: CONSENT_403, 429: RATE_LIMITED_429},
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Upload or paste a resume (parsed in the background); a refused file is a 400 (413 when too large, 429
        over the hourly quota) and nothing is stored."""
        if (response := self.too_large(request)) is not None:
            return response
        incoming = ResumeCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        d = incoming.validated_data
        if (hit := rate_limit_hit(request, DOCUMENT_UPLOAD)) is not None:
            return rate_limit_response(hit)
        try:
            resume = svc.resume_create(
                user=request.user, title=d["title"], upload=d.get("file"), content=d.get("content", "")
            )
        except ServiceError as exc:
            field = "title" if exc.code.startswith("title") else ("file" if d.get("file") else "content")
            return self.refused(exc, field)
        data = ResumeSerializer(resume, context=self.get_serializer_context()).data
        return Response(data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ResumeEditSerializer, responses={200: ResumeSerializer}, tags=["documents"])
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Edit parsed fields (owner only): 400 naming the field past a limit, 409 parsing_busy while parsing."""
        resume = self.owned_object()
        incoming = ResumeEditSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        unknown = sorted(set(request.data) - set(ResumeEditSerializer().fields))
        if unknown or not incoming.validated_data:
            return Response({"detail": "Send any of skills, experience, education, summary."}, status=400)
        try:
            svc.resume_parsed_update(resume=resume, data=incoming.validated_data)
        except svc.ResumeEditInvalid as exc:
            return Response({exc.field: [exc.message], "code": exc.code}, status=status.HTTP_400_BAD_REQUEST)
        except ServiceError as exc:
            return Response({"detail": exc.message, "code": exc.code}, status=status.HTTP_409_CONFLICT)
        return Response(ResumeSerializer(resume, context=self.get_serializer_context()).data)

    @extend_schema(
        request=ReparseSerializer, responses={202: ResumeSerializer, 429: RATE_LIMITED_429}, tags=["documents"]
    )
    @action(detail=True, methods=["post"])
    def reparse(self, request: Request, pk: str | None = None) -> Response:
        """Parse again: 409 parsing_busy while parsing, 409 confirm_required over the owner's edits without confirm."""
        resume = self.owned_object()
        incoming = ReparseSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        if (hit := rate_limit_hit(request, DOCUMENT_REPARSE)) is not None:
            return rate_limit_response(hit)
        try:
            resume_reparse(resume=resume, confirm=incoming.validated_data["confirm"])
        except ServiceError as exc:
            if (quota := quota_response(exc)) is not None:
                return quota
            code = status.HTTP_400_BAD_REQUEST if exc.code == ErrorCode.INVALID else status.HTTP_409_CONFLICT
            return Response({"detail": exc.message, "code": exc.code}, status=code)
        data = ResumeSerializer(resume, context=self.get_serializer_context()).data
        return Response(data, status=status.HTTP_202_ACCEPTED)


@extend_schema_view(
    list=extend_schema(summary="Your job listings, newest first", tags=["documents"]),
    retrieve=extend_schema(summary="One job listing with its parsing status and result", tags=["documents"]),
    destroy=extend_schema(summary="Delete one of your job listings", tags=["documents"]),
)
class JobListingViewSet(_DocumentViewSet):
    """The user's job listings: upload or paste (parsed in the background), list, read, delete and re-parse."""

    serializer_class = JobListingSerializer
    queryset = UploadedJobListing.objects.none()
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    def get_queryset(self) -> QuerySet[UploadedJobListing]:
        return sel.job_listing_list_for_user(self.request.user)

    def readable(self, pk: Any) -> Document | None:
        return sel.job_listing_get_for_user(self.request.user, pk)

    @extend_schema(
        request={"multipart/form-data": JobListingCreateSerializer, "application/json": JobListingCreateSerializer},
        responses={201: JobListingSerializer, 403: CONSENT_403, 429: RATE_LIMITED_429},
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Add a job listing from a file or pasted text (429 over the hourly quota); it is parsed in the background."""
        if (response := self.too_large(request)) is not None:
            return response
        incoming = JobListingCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        if (hit := rate_limit_hit(request, DOCUMENT_UPLOAD)) is not None:
            return rate_limit_response(hit)
        d = incoming.validated_data
        try:
            listing = svc.job_listing_create(
                user=request.user, title=d.get("title", ""), upload=d.get("file"), content=d.get("content", "")
            )
        except ServiceError as exc:
            field = "title" if exc.code.startswith("title") else ("file" if d.get("file") else "content")
            return self.refused(exc, field)
        data = JobListingSerializer(listing, context=self.get_serializer_context()).data
        return Response(data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={202: JobListingSerializer, 429: COSTLY_429}, tags=["documents"])
    @action(detail=True, methods=["post"])
    def reparse(self, request: Request, pk: str | None = None) -> Response:
        """Parse a finished listing again; 409 while it is still pending or in progress."""
        listing = self.owned_object()
        if (hit := rate_limit_hit(request, DOCUMENT_REPARSE)) is not None:
            return rate_limit_response(hit)
        try:
            job_listing_reparse(listing=listing)
        except ServiceError as exc:
            if (quota := quota_response(exc)) is not None:
                return quota
            return Response({"detail": exc.message}, status=status.HTTP_409_CONFLICT)
        data = JobListingSerializer(listing, context=self.get_serializer_context()).data
        return Response(data, status=status.HTTP_202_ACCEPTED)
