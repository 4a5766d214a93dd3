"""Django's flush, able to empty the append-only audit table on SQLite (interview/audit/guard.py).

Flushing removes every row of every table, so the audit trail goes with the rest; this is the only
command we ship that removes audit events besides the retention purge (invitations_settle).
"""

from __future__ import annotations

from typing import Any

from django.core.management.commands import flush

from interview.audit.guard import flush_allowed


class Command(flush.Command):
    def handle(self, **options: Any) -> None:
        with flush_allowed():
            super().handle(**options)
