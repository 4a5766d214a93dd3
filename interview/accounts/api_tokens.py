"""API tokens: issued for a password, replaced once expired, revoked on request or when credentials change."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from rest_framework.authtoken.models import Token

from interview.audit.actions import AuditAction
from interview.audit.context import current_actor
from interview.audit.services import audit_record

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
            created = True
        if created:
            audit_record(actor=user, action=AuditAction.API_TOKEN_CREATED, target=(Token, user.pk), subject=user)
    return token


def api_tokens_revoke(*, user_id: int) -> int:
    """Delete every API token of the user (recording who did, if any were deleted); returns how many there were."""
    with transaction.atomic():
        deleted, _ = Token.objects.filter(user_id=user_id).delete()
        if deleted:
            audit_record(
                actor=current_actor(), action=AuditAction.API_TOKEN_REVOKED, target=(Token, user_id), subject=user_id
            )
    return deleted
