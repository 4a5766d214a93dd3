"""Stored files that go with their rows."""

from __future__ import annotations

from django.db import transaction
from django.db.models.fields.files import FieldFile


def delete_file_after_commit(field_file: FieldFile) -> None:
    """Remove a stored file once the transaction that deleted its row has committed."""
    if not field_file or not field_file.name:
        return
    storage, name = field_file.storage, field_file.name
    transaction.on_commit(lambda: storage.delete(name))
