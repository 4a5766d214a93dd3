"""The per-user cap on replies being written at once (MAX_CONCURRENT_GENERATIONS_PER_USER).

A reply is being written while its chat holds a generation lease (taken with the turn, renewed while it
streams, cleared when it finishes), so the count is of other chats of the user with a lease in the future;
a reply whose process died stops counting when its lease runs out. Only turns a user begins (a start, an
answer) are refused; turns of the clock (expiry, probes, recovery) never are. It is a soft cap: two turns
begun at the same instant in two chats of one user may both pass, each seeing the other not yet leased.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import connection
from django.db.models import Field

from interview.core.errors import ErrorCode, ServiceError
from interview.models import Chat


def _column(name: str) -> str:
    field = Chat._meta.get_field(name)
    if not isinstance(field, Field) or not field.column:
        raise TypeError(f"Chat.{name} is not a concrete column")
    return connection.ops.quote_name(field.column)


def _count_sql() -> str:
    table = connection.ops.quote_name(Chat._meta.db_table)
    user, lease, pk = _column("user"), _column("generation_lease_until"), _column("id")
    return f"SELECT COUNT(*) FROM {table} WHERE {user} = %s AND {lease} > %s AND {pk} <> %s"


def others_generating(chat: Chat, at: datetime) -> int:
    """How many other chats of the chat's user have a reply being written at `at`.

    One plain statement on the user_id index: the ORM's correlated subquery cost ~2 ms of compiling on the
    database thread per answer, about a quarter of the answer's whole database work (docs/performance.md).
    """
    value = connection.ops.adapt_datetimefield_value(at)
    with connection.cursor() as cursor:
        cursor.execute(_count_sql(), [chat.user_id, value, chat.pk])
        row = cursor.fetchone()
    return int(row[0]) if row else 0


def generations_check(chat: Chat, *, now: datetime, then: str) -> None:
    """Refuse a user's new turn while the cap's worth of their replies are being written in other interviews;
    `then` tells the user what to do once one finishes."""
    others = others_generating(chat, now)
    if others >= settings.MAX_CONCURRENT_GENERATIONS_PER_USER:
        replies = "1 reply" if others == 1 else f"{others} replies"
        raise ServiceError(
            ErrorCode.TOO_MANY_GENERATIONS,
            f"You already have {replies} being written in other interviews; wait for one to finish. {then}",
        )
