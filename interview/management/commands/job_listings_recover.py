"""Mark job listings whose parsing was abandoned (stuck in progress past the stale limit) as errored."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from interview.documents.job_parsing import job_listings_recover_stale, stale_after


class Command(BaseCommand):
    help = "Mark job listings stuck in parsing longer than JOB_PARSE_STALE_MINUTES as errored (safe to run from cron)."

    def handle(self, *args: Any, **options: Any) -> None:
        count = job_listings_recover_stale()
        minutes = stale_after().total_seconds() / 60
        self.stdout.write(f"{count} job listing(s) stuck for over {minutes:g} minutes marked as errored.")
