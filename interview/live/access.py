"""Who may keep a chat socket open: checked on connect, and again for every open socket later.

Access is decided once per connection by the consumer; this module decides it again, for many
open sockets at once, after a logout, a password change, a deactivation, a role change or a
reassigned invitation (interview/live/groups.py `access_changed` tells every process), and on a
periodic pass that catches changes no signal announces (an expired session, a direct update).
A pass costs three queries however many sockets it checks, and one more (the panels of the chats'
invitations) when any of them has an invitation.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from importlib import import_module
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Prefetch
from django.utils.crypto import constant_time_compare

from interview.accounts.permissions import can_observe_chat
from interview.models import Chat

OK = "ok"
UNAUTHENTICATED = "unauthenticated"
FORBIDDEN = "forbidden"
MISSING = "missing"

_CHUNK = 500  # ids per IN (...) list: well under every backend's parameter limit


@dataclass(frozen=True)
class SocketHolder:
    """Who holds an open socket, as recorded when it connected."""

    user_id: int
    chat_id: int
    observer: bool
    # The session the socket was opened with and the password hash it carried (None without a session).
    session_key: str | None = None
    session_hash: str | None = None


def chat_access(user: Any, chat: Chat | None, *, observer: bool) -> str:
    """'ok', 'forbidden' or 'missing': the owner may open the interview; admins, the inviting interviewer and
    the invitation's panel (its co-interviewers) observe it."""
    if chat is None:
        return MISSING
    allowed = can_observe_chat(user, chat) if observer else chat.user_id == user.pk
    return OK if allowed else FORBIDDEN


def session_hash_valid(user: Any, session_hash: str | None) -> bool:
    """Whether a session's stored auth hash still matches the user's password (current or fallback secret)."""
    if session_hash is None:
        return True  # a socket opened without a session (tests, other auth): nothing to compare
    if constant_time_compare(session_hash, user.get_session_auth_hash()):
        return True
    return any(constant_time_compare(session_hash, other) for other in user.get_session_auth_fallback_hash())


def socket_access_recheck(holders: Sequence[SocketHolder], *, now: datetime) -> list[str]:
    """The verdict for each open socket, in order: 'ok', 'unauthenticated', 'forbidden' or 'missing'."""
    users = {
        user.pk: user
        for ids in _chunks({h.user_id for h in holders})
        for user in get_user_model()
        .objects.filter(pk__in=ids)
        .select_related("profile")
        .only("id", "password", "is_active", "is_superuser", "profile__role")
    }
    chats = {
        chat.pk: chat
        for ids in _chunks({h.chat_id for h in holders})
        for chat in Chat.objects.filter(pk__in=ids)
        .select_related("invitation")
        .only("id", "user_id", "invitation__id", "invitation__interviewer_id")
        .prefetch_related(Prefetch("invitation__panel", queryset=get_user_model().objects.only("id")))
    }
    live_sessions = _live_sessions({h.session_key for h in holders if h.session_key}, now)
    verdicts = []
    for holder in holders:
        user = users.get(holder.user_id)
        session_ok = holder.session_key is None or live_sessions is None or holder.session_key in live_sessions
        if user is None or not user.is_active or not session_ok or not session_hash_valid(user, holder.session_hash):
            verdicts.append(UNAUTHENTICATED)
        else:
            verdicts.append(chat_access(user, chats.get(holder.chat_id), observer=holder.observer))
    return verdicts


def _live_sessions(keys: set[str], now: datetime) -> set[str] | None:
    """Which of these session keys still exist and have not expired; None when the engine cannot say."""
    if not keys:
        return set()
    store = import_module(settings.SESSION_ENGINE).SessionStore
    if hasattr(store, "get_model_class"):  # the database engines: one query
        model = store.get_model_class()
        return {
            key
            for chunk in _chunks(keys)
            for key in model.objects.filter(session_key__in=chunk, expire_date__gt=now).values_list(
                "session_key", flat=True
            )
        }
    if settings.SESSION_ENGINE.endswith("signed_cookies"):
        return None  # the cookie is the session: nothing stored to look up
    return {key for key in keys if store().exists(key)}


def _chunks(values: Iterable[Any]) -> Iterator[list[Any]]:
    items = sorted(values)
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]
