"""Serializer fields and error helpers shared by the API modules."""

from __future__ import annotations

from typing import Any, NoReturn

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers, status
from rest_framework.exceptions import APIException, NotFound, PermissionDenied
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.response import Response

from interview.core.errors import ErrorCode, ServiceError
from interview.core.ids import ID_MAX, ID_MIN

# The 403 of work that would send a user's documents to the model without their consent (docs/operations.md).
CONSENT_403 = OpenApiResponse(
    description='{"code": "consent_required", "detail": ...}: the user has not agreed to send data to the model'
)


def quota_response(exc: ServiceError) -> Response | None:
    """A quota_exceeded refusal as a 429 with Retry-After (seconds until it resets); None for any other refusal."""
    if exc.code != ErrorCode.QUOTA_EXCEEDED:
        return None
    body = {"code": str(exc.code), "detail": exc.message, **exc.details}
    headers = {"Retry-After": str(exc.details.get("retry_after", 1))}
    return Response(body, status=status.HTTP_429_TOO_MANY_REQUESTS, headers=headers)


class IdField(serializers.IntegerField):
    """The id of a row named in a request body: a whole number in the id range, else a 400 naming the field."""

    default_error_messages = {
        "invalid": "Give the id as a whole number.",
        "max_value": "No such id (ids are at most {max_value}).",
        "min_value": "No such id (ids start at 1).",
        "max_string_length": "No such id (the number is too long).",
    }

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", ID_MIN)
        kwargs.setdefault("max_value", ID_MAX)
        super().__init__(**kwargs)


def as_drf_error(exc: DjangoValidationError) -> DRFValidationError:
    """A service's ValidationError as a 400 with field errors ("non_field_errors" for the rest)."""
    if hasattr(exc, "error_dict"):
        return DRFValidationError(
            {("non_field_errors" if k == "__all__" else k): v for k, v in exc.message_dict.items()}
        )
    return DRFValidationError({"non_field_errors": exc.messages})


class Conflict(APIException):
    """A refusal of state (already decided, window closed): 409."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = "This cannot be done in the current state."
    default_code = "conflict"


def raise_for_service_error(exc: ServiceError, *, forbidden: tuple[str, ...] = ()) -> NoReturn:
    """Turn a service refusal into the matching API error: 404 not found, 403 forbidden codes, else 409."""
    if exc.code == "not_found":
        raise NotFound(exc.message) from exc
    if exc.code in forbidden:
        raise PermissionDenied(exc.message, code=exc.code) from exc
    raise Conflict(exc.message, code=exc.code) from exc
