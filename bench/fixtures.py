"""Users, chats and session cookies in the database the server under test uses, and the stored texts.

Synchronous Django code: call it through `asyncio.to_thread`, never while a step is being measured.
"""

from __future__ import annotations

import os
from datetime import timedelta
from typing import Any

SESSION_DAYS = 1


def django_setup(*, database_url: str, secret_key: str) -> None:
    """Configure Django in this process for `database_url` and bring its schema up to date."""
    os.environ.update(
        DJANGO_SETTINGS_MODULE="live_interview.settings",
        DATABASE_URL=database_url,
        DJANGO_SECRET_KEY=secret_key,
        DJANGO_DEBUG="0",
        DJANGO_SITE_URL="http://127.0.0.1",
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_LOG_LEVEL="WARNING",
    )
    for name in ("REDIS_URL", "OPENAI_API_KEY", "OPENAI_BASE_URL"):
        os.environ.pop(name, None)
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)


def earlier_runs_remove() -> int:
    """Delete the users (and so the chats) earlier runs left in this database; how many users were removed.

    A run ends with replies still streaming; on a reused database (PostgreSQL) the next run's deadline
    watchers would find thousands of such chats and recover them while the run measures.
    """
    from django.contrib.auth import get_user_model

    users = get_user_model().objects.filter(username__startswith="bench")
    count = users.count()
    if count:
        users.delete()
    return count


def _cookie(user: Any) -> str:
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.set_expiry(timedelta(days=SESSION_DAYS))
    store.create()
    return f"{settings.SESSION_COOKIE_NAME}={store.session_key}"


def users_create(*, prefix: str, count: int, admin: bool = False) -> list[tuple[int, str]]:
    """Create `count` users (admins if asked) and a logged-in session each: [(user id, Cookie header)]."""
    from django.contrib.auth import get_user_model
    from django.db import transaction

    user_model = get_user_model()
    with transaction.atomic():
        users = user_model.objects.bulk_create(
            [
                user_model(
                    username=f"{prefix}-{i}", password="!", is_staff=admin, is_superuser=admin, first_name="Bench"
                )
                for i in range(count)
            ]
        )
        if not users or users[0].pk is None:  # backends that do not return ids
            users = list(user_model.objects.filter(username__startswith=f"{prefix}-").order_by("pk"))
        _profiles_create(users, role="admin" if admin else "candidate")
        return [(user.pk, _cookie(user)) for user in users]


def _profiles_create(users: list[Any], *, role: str) -> None:
    """Profiles that agreed to send answers to the bench's upstream (bulk_create skips the profile signal)."""
    from django.utils import timezone

    from interview.accounts.consent import Provider
    from interview.models import UserProfile

    # The server under test reads OPENAI_BASE_URL=http://127.0.0.1:<port>/v1 (bench/upstream.py) and no
    # LLM_PROVIDER_NAME (runner._env), so this is the label its consent check expects.
    label = Provider(name="OpenAI-compatible server", host="127.0.0.1").label
    now = timezone.now()
    UserProfile.objects.bulk_create(
        [
            UserProfile(user=user, role=role, llm_consent=True, llm_consent_provider=label, llm_consent_at=now)
            for user in users
        ]
    )


def chats_create(
    *, user_ids: list[int], questions: int, time_limit: int, title: str, max_follow_ups: int = 0
) -> list[int]:
    """One not-yet-started chat per user id, with `questions` long key questions; returns the chat ids.

    `max_follow_ups` 0 (the default) measures the streaming path alone; 1 adds a follow-up decision call
    before the turn after each answer to a key question (the bench upstream always decides "no follow-up").
    """
    from django.db import transaction

    from interview.models import Chat

    key_questions = [
        {"question": f"Bench question {i + 1}: describe a system you built.", "time_limit": time_limit}
        for i in range(questions)
    ]
    with transaction.atomic():
        chats = Chat.objects.bulk_create(
            [
                Chat(
                    user_id=user_id,
                    title=f"{title} {i}"[:50],
                    key_questions=key_questions,
                    type="GEN",
                    difficulty=5,
                    max_follow_ups=max_follow_ups,
                )
                for i, user_id in enumerate(user_ids)
            ]
        )
        if chats and chats[0].pk is None:
            chats = list(Chat.objects.filter(title__startswith=title).order_by("pk"))
    return [chat.pk for chat in chats]


def stored_messages(chat_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """The stored messages of each chat."""
    from interview.models import Chat

    return dict(Chat.objects.filter(pk__in=chat_ids).values_list("pk", "messages"))


def close_connections() -> None:
    from django.db import connections

    connections.close_all()
