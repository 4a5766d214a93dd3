"""Background jobs whose state lives on a model row: enqueue or fail, claim, finish, recover the abandoned.

A job row moves `pending` → `running` → done (or `failed`). The task claims a pending row with a
conditional update that stamps the claim time in the row's lease field; the outcome is stored only
while that claim still holds (same status, same lease), so a run that lost its row to recovery and a
later claim changes nothing. A worker that dies mid-task leaves its row running: `recover_stale`
marks rows running longer than the stale limit as failed, with a message saying so; marking rather
than re-enqueueing avoids retrying, in a loop, an input that kills the worker. A row whose task
cannot even be queued is marked failed at once, so no one waits for it.

Job parsing (interview/documents/job_parsing.py) and reports (interview/reports/services.py) run on it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from django.db.models import Model
from django.utils import timezone

logger = logging.getLogger(__name__)


class Enqueueable(Protocol):
    """A django-tasks task (or anything queued the same way)."""

    def enqueue(self, *args: Any) -> Any: ...


@dataclass(frozen=True)
class RowJob:
    """How one kind of job keeps its state on its rows: which fields, which statuses, which messages."""

    model: type[Model]
    key: str  # the field the task's argument names the row by ("pk", "chat_id")
    status_field: str
    lease_field: str  # the claim time while running; the finish time after
    error_field: str
    pending: str
    running: str
    failed: str
    stale_after: Callable[[], timedelta]  # read at each use, so settings overridden in tests apply
    interrupted_message: str  # for rows recovered as abandoned
    queue_failed_message: str  # for rows whose task could not be queued
    label: str  # for the log: "job listing parse", "report generation"

    def _rows(self, key: Any, status: str, **lease: Any) -> Any:
        return self.model._default_manager.filter(**{self.key: key, self.status_field: status}, **lease)

    def recover_stale(self, *, now: datetime | None = None) -> int:
        """Mark rows running past the stale limit as failed (interrupted); return how many."""
        now = now or timezone.now()
        count = self.model._default_manager.filter(
            **{self.status_field: self.running, f"{self.lease_field}__lt": now - self.stale_after()}
        ).update(**{self.status_field: self.failed, self.error_field: self.interrupted_message, self.lease_field: now})
        if count:
            logger.warning("Marked %d abandoned %s(s) as failed", count, self.label)
        return count

    def enqueue(self, task: Enqueueable, key: Any) -> None:
        """Recover abandoned rows, then queue the task for `key` (call after commit); a queue failure fails the row."""
        self.recover_stale()
        try:
            task.enqueue(key)
        except Exception:
            logger.exception("Could not enqueue the %s of %s %s", self.label, self.key, key)
            self._rows(key, self.pending).update(
                **{
                    self.status_field: self.failed,
                    self.error_field: self.queue_failed_message,
                    self.lease_field: timezone.now(),
                }
            )

    def claim(self, key: Any) -> datetime | None:
        """Take the pending row for this run; return the claim time (the lease), or None if it was not pending."""
        claimed_at = timezone.now()
        claimed = self._rows(key, self.pending).update(
            **{self.status_field: self.running, self.error_field: "", self.lease_field: claimed_at}
        )
        return claimed_at if claimed else None

    def holds(self, row: Model, claimed_at: datetime) -> bool:
        """Whether a row read (and locked) by the run still carries its claim."""
        return getattr(row, self.status_field) == self.running and getattr(row, self.lease_field) == claimed_at

    def finish(self, key: Any, claimed_at: datetime, *, status: str, **fields: Any) -> bool:
        """Store the outcome only if the claim still holds; return whether it did."""
        updated = self._rows(key, self.running, **{self.lease_field: claimed_at}).update(
            **{self.status_field: status, self.lease_field: timezone.now()}, **fields
        )
        return bool(updated)

    def fail(self, key: Any, claimed_at: datetime, reason: str) -> bool:
        """Store a failure with its reason only if the claim still holds; return whether it did."""
        return self.finish(key, claimed_at, status=self.failed, **{self.error_field: reason})
