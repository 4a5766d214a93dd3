"""Settle invitations: expire pending ones whose window closed, complete started ones that ended or were abandoned;
purge audit events past AUDIT_RETENTION_DAYS (interview.audit.services.audit_purge) and the practice data of
accounts inactive past DATA_RETENTION_DAYS (interview.hiring.retention); delete the files of expired data
exports and retry the stored-file deletes that failed (interview/privacy/); email the admins once a month when
the AI spend reaches 80 % of LLM_MONTHLY_BUDGET_USD and queue job listings that waited for a budget again
(interview/usage/).

Run once (cron) or as a worker beside the web server: ``manage.py invitations_settle --loop 30``.
"""

from __future__ import annotations

import logging
import signal
import threading
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import close_old_connections
from django.utils import timezone

from interview.audit.services import audit_purge
from interview.documents.job_parsing import job_listings_resume_after_quota
from interview.documents.resume_parsing import resumes_resume_after_quota
from interview.hiring.services import SettleResult, invitations_settle
from interview.privacy.erasure import pending_deletions_retry
from interview.privacy.services import exports_purge
from interview.usage.alerts import budget_alert_check

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = (
        "Expire pending invitations whose start window has closed and complete started ones whose interview "
        "ended or was abandoned (never expires a started interview), remind panels of missing scorecards, and "
        "purge audit events past AUDIT_RETENTION_DAYS, delete expired data export files and retry failed file deletes. "
        "--loop SECONDS repeats until stopped."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--loop", type=float, default=0, metavar="SECONDS", help="Repeat every SECONDS until SIGINT or SIGTERM."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        interval = float(options["loop"])
        if interval < 0:
            raise CommandError("--loop takes a positive number of seconds.")
        if not interval:
            self._settle(always=True)
            return
        stop = threading.Event()

        def request_stop(signum: int, frame: FrameType | None) -> None:
            stop.set()

        previous = {signum: signal.signal(signum, request_stop) for signum in (signal.SIGINT, signal.SIGTERM)}
        self.stdout.write(f"Settling invitations every {interval:g} s (Ctrl-C stops).")
        try:
            while not stop.is_set():
                close_old_connections()
                try:
                    self._settle(always=False)
                except Exception:  # a database hiccup must not end the worker; the next pass retries
                    logger.exception("Settling invitations failed")
                stop.wait(interval)
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)

    def _settle(self, *, always: bool) -> None:
        now = timezone.now()
        self._report(invitations_settle(now=now), always=always)
        purged = audit_purge(now=now)
        if purged:
            self.stdout.write(f"{purged} audit event(s) past retention purged.")
        exports = exports_purge(now=now)
        retried = pending_deletions_retry()
        if exports or retried:
            self.stdout.write(f"{exports} expired data export(s) deleted, {retried} pending file deletion(s) done.")
        alerted = budget_alert_check(now=now)
        resumed = job_listings_resume_after_quota() + resumes_resume_after_quota()
        if alerted or resumed:
            self.stdout.write(f"Budget: {alerted} admin alert(s) emailed, {resumed} document(s) queued again.")

    def _report(self, result: SettleResult, *, always: bool) -> None:
        if always or result.expired or result.completed or result.closed or result.reminded:
            self.stdout.write(
                f"{result.expired} expired, {result.closed} interview(s) closed, {result.completed} completed, "
                f"{result.reminded} scorecard reminder(s) sent."
            )
        if result.retention_warned or result.retention_purged:
            self.stdout.write(
                f"Retention: {result.retention_warned} account(s) warned, {result.retention_purged} purged."
            )
