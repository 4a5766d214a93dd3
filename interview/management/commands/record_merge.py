"""Record a branch's token usage when it is merged: `manage.py record_merge --source-branch feature/x --commit <sha>`."""

from __future__ import annotations

import re
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import IntegrityError

from interview.models import MergeTokenStats

SHA = re.compile(r"^[0-9a-fA-F]{7,40}$")


class Command(BaseCommand):
    help = "Create a MergeTokenStats record from the source branch's TokenUsage rows, adding to the running totals."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--source-branch", required=True, help="The merged branch (its TokenUsage branch_name).")
        parser.add_argument("--commit", required=True, help="The merge commit's SHA (7-40 hex digits, unique).")
        parser.add_argument("--target-branch", default="main", help="The branch merged into (default: main).")
        parser.add_argument("--pr", type=int, default=None, help="The pull request number.")
        parser.add_argument("--merged-by", default="", help="Username of the person who merged.")
        parser.add_argument("--notes", default="", help="Free text kept with the record.")

    def handle(self, *args: Any, **options: Any) -> None:
        branch = options["source_branch"].strip()
        commit = options["commit"].strip().lower()
        if not branch:
            raise CommandError("--source-branch must not be empty.")
        if not SHA.match(commit):
            raise CommandError(f"--commit must be a git SHA of 7-40 hex digits, got {commit!r}.")
        if MergeTokenStats.objects.filter(commit_sha=commit).exists():
            raise CommandError(f"Commit {commit} is already recorded.")
        try:
            record = MergeTokenStats.create_from_branch(
                branch,
                commit,
                self._user(options["merged_by"]),
                target_branch=options["target_branch"],
                pr_number=options["pr"],
                notes=options["notes"],
            )
        except IntegrityError as exc:
            raise CommandError(f"Commit {commit} is already recorded.") from exc
        unpriced = f", {record.unpriced_tokens} tokens of unknown price" if record.unpriced_tokens else ""
        self.stdout.write(
            f"Recorded {record}: {record.request_count} requests, {record.total_tokens} tokens, "
            f"${record.total_cost:.4f}{unpriced}. Running total: {record.cumulative_total_tokens} tokens, "
            f"${record.cumulative_total_cost:.4f}."
        )

    def _user(self, username: str) -> Any:
        if not username:
            return None
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user named {username!r}.")
        return user
