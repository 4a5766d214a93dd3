"""API token authentication with an optional lifetime (API_TOKEN_TTL_DAYS).

Kept apart from the views: DRF loads the classes named in REST_FRAMEWORK while importing its own
views module, so this module must not import any view.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed

from interview.accounts.api_tokens import EXPIRED_MESSAGE, api_token_expired


class ExpiringTokenAuthentication(TokenAuthentication):
    """`Authorization: Token <key>`, refused with 401 once the token is older than API_TOKEN_TTL_DAYS."""

    def authenticate_credentials(self, key: str) -> tuple[Any, Any]:
        """Runs on every request that sends a token: DRF's checks, then the token's age."""
        user, token = super().authenticate_credentials(key)
        if api_token_expired(token, now=timezone.now()):
            raise AuthenticationFailed(EXPIRED_MESSAGE)
        return user, token
