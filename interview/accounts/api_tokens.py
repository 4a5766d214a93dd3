"""API tokens: issued for a password, replaced once expired, revoked on request or when credentials change."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from rest_framework.authtoken.models import Token

EXPIRED_MESSAGE = "This API token has expired. Obtain a new one from POST /api/auth/token/."


def api_token_expired(token: Token, *, now: datetime) -> bool:
    """Whether `token` is older than API_TOKEN_TTL_DAYS (0: tokens never expire)."""
    days = int(settings.API_TOKEN_TTL_DAYS)
    return days > 0 and token.created <= now - timedelta(days=days)


def api_token_issue(*, user: Any, now: datetime) -> Token:
    """Return the user's token, replacing one that has expired with a new one."""
    with transaction.atomic():
        token, created = Token.objects.select_for_update().get_or_create(user=user)
        if not created and api_token_expired(token, now=now):
            token.delete()
            token = Token.objects.create(user=user)
    return token


def api_tokens_revoke(*, user_id: int) -> int:
    """Delete every API token of the user; returns how many there were."""
    deleted, _ = Token.objects.filter(user_id=user_id).delete()
    return deleted
