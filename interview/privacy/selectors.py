"""Personal data reads."""

from __future__ import annotations

from typing import Any

from interview.models import DataExport


def export_latest(user: Any) -> DataExport | None:
    """The user's most recent export, or None."""
    return DataExport.objects.filter(user=user).order_by("-created_at", "-pk").first()


def export_status(export: DataExport | None) -> dict[str, Any]:
    """What the page and the API show of an export (never its file or token)."""
    if export is None:
        return {"status": None}
    return {
        "id": export.pk,
        "status": export.status,
        "created_at": export.created_at,
        "completed_at": export.completed_at,
        "expires_at": export.expires_at,
        "downloaded_at": export.downloaded_at,
        "error": export.error,
    }
