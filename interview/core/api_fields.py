"""Serializer fields shared by the API modules."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

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
