"""Django's flush, which may empty the append-only audit table only in development and tests.

Flushing removes every row of every table. Under DEBUG or the test runner (which flushes between
transactional tests) the audit trail goes with the rest (interview/audit/guard.py opens the database's
guard for it); otherwise the command refuses, so no command we ship removes audit events except the
retention purge (invitations_settle).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import CommandError
from django.core.management.commands import flush

from interview.audit.guard import flush_allowed


class Command(flush.Command):
    def handle(self, **options: Any) -> None:
        if not (settings.DEBUG or settings.TESTING):
            raise CommandError(
                "flush would erase the audit log, which is append-only; it runs only with DJANGO_DEBUG=1."
            )
        with flush_allowed():
            super().handle(**options)
