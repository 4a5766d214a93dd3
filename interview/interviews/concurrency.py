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
from django.db.models import Count, OuterRef, Subquery
from django.db.models.expressions import Combinable
from django.db.models.functions import Coalesce

from interview.core.errors import ErrorCode, ServiceError
from interview.models import Chat


def others_generating(at: datetime) -> Combinable:
    """An annotation of a chat row: how many other chats of its user have a reply being written at `at`."""
    others = (
        Chat.objects.filter(user_id=OuterRef("user_id"), generation_lease_until__gt=at)
        .exclude(pk=OuterRef("pk"))
        .order_by()
        .values("user_id")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return Coalesce(Subquery(others), 0)


def generations_check(chat: Chat, *, then: str) -> None:
    """Refuse a user's new turn while the cap's worth of their replies are being written in other interviews.

    Reads the row's `others_generating` annotation; `then` tells the user what to do once one finishes.
    """
    others = int(getattr(chat, "others_generating", 0))
    if others >= settings.MAX_CONCURRENT_GENERATIONS_PER_USER:
        replies = "1 reply" if others == 1 else f"{others} replies"
        raise ServiceError(
            ErrorCode.TOO_MANY_GENERATIONS,
            f"You already have {replies} being written in other interviews; wait for one to finish. {then}",
        )
