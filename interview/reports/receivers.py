"""Reports' model receivers: a report's cached PDF leaves storage with its row.

(The report requested on an interview's completion is connected in interview/reports/services.py.)
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete
from django.dispatch import receiver

from interview.core.storage import delete_file_after_commit
from interview.models import ExportableReport


@receiver(post_delete, sender=ExportableReport, dispatch_uid="reports.delete_report_pdf")
def delete_report_pdf(sender: Any, instance: ExportableReport, **kwargs: Any) -> None:
    """Delete a report's cached PDF from storage with its row."""
    delete_file_after_commit(instance.pdf_file)
