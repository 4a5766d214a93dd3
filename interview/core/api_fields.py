"""Serializer fields and error helpers shared by the API modules."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers
from rest_framework.exceptions import ValidationError as DRFValidationError

from interview.core.ids import ID_MAX, ID_MIN


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
