"""Stored files that go with their rows."""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from django.db.models.fields.files import FieldFile

logger = logging.getLogger(__name__)


def storage_delete(storage: Any, name: str) -> bool:
    """Delete a stored file; when storage refuses, record it (PendingFileDeletion) for the settle loop to
    retry (interview.privacy.erasure.pending_deletions_retry). Return whether it is gone."""
    from interview.models import PendingFileDeletion

    try:
        storage.delete(name)
    except Exception as exc:
        logger.warning("Could not delete a stored file; it will be retried: %s", exc)
        PendingFileDeletion.objects.get_or_create(name=name, defaults={"last_error": str(exc)[:500]})
        return False
    return True


def delete_file_after_commit(field_file: FieldFile) -> None:
    """Remove a stored file once the transaction that deleted its row has committed (retried if that fails)."""
    if not field_file or not field_file.name:
        return
    storage, name = field_file.storage, field_file.name
    transaction.on_commit(lambda: storage_delete(storage, name))
