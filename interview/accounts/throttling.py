"""Failed-login throttling shared by allauth's login form and the API token endpoint.

allauth counts failed logins (`ACCOUNT_RATE_LIMITS["login_failed"]`) per client address and per key;
the key here is the account itself (its id) whether the attempt named its username or its email, so an
attacker cannot double the allowance by switching identifiers. The counts live in the default cache
(Redis when REDIS_URL is set), so every process sees the same attempts.
"""

from __future__ import annotations

import math
import time
from typing import Any

from allauth.account.adapter import get_adapter
from allauth.core import ratelimit as allauth_public_ratelimit

# Private names of allauth's rate limiter (pinned with django-allauth; tests/accounts/test_upstream_allauth.py).
from allauth.core.internal import ratelimit as allauth_ratelimit
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpRequest

LOGIN_FAILED_APP = "allauth.account"
LOGIN_FAILED_ACTION = "login_failed"


def login_throttle_key(identifier: str) -> str:
    """The key failed logins are counted under: the account's id when the username or email names one."""
    identifier = (identifier or "").strip()
    field = Q(email__iexact=identifier) if "@" in identifier else Q(username__iexact=identifier)
    user_id = get_user_model()._default_manager.filter(field).order_by("id").values_list("id", flat=True).first()
    return f"user:{user_id}" if user_id is not None else f"login:{identifier.lower()}"


def login_retry_after(request: HttpRequest, identifier: str) -> int:
    """Seconds until the next login attempt for this identifier from this address may be counted again."""
    rates = allauth_ratelimit.get_rates(app=LOGIN_FAILED_APP, action=LOGIN_FAILED_ACTION)
    key = login_throttle_key(identifier)
    now = time.time()
    wait = 0.0
    for rate in rates:
        cache_key = allauth_ratelimit.get_cache_key(
            request, app=LOGIN_FAILED_APP, action=LOGIN_FAILED_ACTION, rate=rate, key=key
        )
        history = [ts for ts in cache.get(cache_key, []) if ts > now - rate.duration]
        if len(history) >= rate.amount:
            # The history is newest first: the attempt that frees a slot is the amount-th newest.
            wait = max(wait, history[rate.amount - 1] + rate.duration - now)
    return max(1, math.ceil(wait))


def client_ip(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, which live_interview/proxies.py sets from trusted proxies only."""
    return str(request.META.get("REMOTE_ADDR") or "")


class LoginLockedOut(Exception):
    """Too many failed logins for this account or from this address; `retry_after` in seconds."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"Locked out for {retry_after} seconds")
        self.retry_after = retry_after


def login_authenticate(request: HttpRequest, *, identifier: str, password: str) -> Any:
    """Check a username-or-email and password as the login page does, counting a failure in the same
    buckets (so the API and the page share one allowance); the right password is refused during a lockout."""
    adapter = get_adapter(request)
    credentials = {"email" if "@" in identifier else "username": identifier, "password": password}
    try:
        return adapter.authenticate(request, **credentials)
    except ValidationError as exc:
        if exc.code == "too_many_login_attempts":
            raise LoginLockedOut(login_retry_after(request, identifier)) from exc
        raise


def login_request_allowed(request: HttpRequest) -> bool:
    """Count one login request from this address against ACCOUNT_RATE_LIMITS["login"] (as the login page does)."""
    return allauth_public_ratelimit.consume(request, action="login")
