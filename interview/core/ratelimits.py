"""Per-user rate limits of the costly endpoints (settings.RATE_LIMITS), counted by django-ratelimit.

Each named limit holds one or more rates ("5/m,30/h"); every request checked counts against all of them
(refused ones included), in the default cache: Redis when REDIS_URL is set, so every process counts the
same requests. Views call `rate_limit_hit` just before the costly work and answer a hit with their own
refusal: the API with `rate_limit_response` (429, Retry-After, code `rate_limited`), pages by showing
`hit.message` with the user's input kept and `rate_limit_page` (429, Retry-After).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.http import HttpResponse
from django_ratelimit import ALL
from django_ratelimit.core import get_usage
from drf_spectacular.utils import OpenApiResponse
from rest_framework.response import Response

from interview.core.errors import ErrorCode

CHAT_CREATE = "chat_create"
REPORT_REGENERATE = "report_regenerate"
DOCUMENT_REPARSE = "document_reparse"
DOCUMENT_UPLOAD = "document_upload"
# What the user was doing too often, as the refusal names it.
_ACTIONS = {
    CHAT_CREATE: "new interviews",
    REPORT_REGENERATE: "report regenerations",
    DOCUMENT_REPARSE: "re-parses",
    DOCUMENT_UPLOAD: "uploads",
}
# The API schema's 429 of a rate-limited endpoint.
RATE_LIMITED_429 = OpenApiResponse(
    description='{"code": "rate_limited", "detail": ..., "retry_after": seconds}: too many requests lately '
    "(settings.RATE_LIMITS); Retry-After says when to try again"
)

# The schema's 429 of an endpoint that is both rate-limited and bound by the quotas (interview/usage/quotas.py).
COSTLY_429 = OpenApiResponse(
    description='`rate_limited` ({"code", "detail", "retry_after"}): too many requests lately; `quota_exceeded` '
    '({"code", "detail", "scope": "daily"|"monthly", "resets_at", "retry_after"}): the daily token budget or the '
    "monthly spending cap is used up. Retry-After says when to try again"
)


@dataclass(frozen=True)
class RateLimitHit:
    """A refused request: which limit, the seconds until it allows one again, and what to tell the user."""

    name: str
    retry_after: int
    message: str

    @property
    def code(self) -> str:
        return ErrorCode.RATE_LIMITED.value


def _user_key(group: str, request: Any) -> str:
    return str(request.user.pk)


def rate_limit_hit(request: Any, name: str) -> RateLimitHit | None:
    """Count this request of the signed-in user against limit `name`; the refusal when any of its rates is passed.

    `request` is Django's or DRF's (only `user` and `method` are read).
    """
    waits = []
    for rate in settings.RATE_LIMITS[name].split(","):
        usage = get_usage(request, group=f"costly.{name}", key=_user_key, rate=rate.strip(), method=ALL, increment=True)
        if usage is not None and usage["should_limit"]:
            waits.append(max(1, int(usage["time_left"])))  # -1 when the cache failed: refused, try again soon
    if not waits:
        return None
    retry_after = max(waits)
    return RateLimitHit(name=name, retry_after=retry_after, message=refusal_message(name, retry_after))


def refusal_message(name: str, retry_after: int) -> str:
    """The plain-language refusal: what was done too often and how long to wait."""
    minutes = -(-retry_after // 60)
    wait = f"{retry_after} second{'s' if retry_after != 1 else ''}" if retry_after < 90 else f"{minutes} minutes"
    return f"Too many {_ACTIONS.get(name, 'requests')} in a short time. Please try again in {wait}."


def rate_limit_response(hit: RateLimitHit) -> Response:
    """The API's refusal: 429 with Retry-After and {"code": "rate_limited", "detail", "retry_after"}."""
    body = {"code": hit.code, "detail": hit.message, "retry_after": hit.retry_after}
    return Response(body, status=429, headers={"Retry-After": str(hit.retry_after)})


def rate_limit_page(response: HttpResponse, hit: RateLimitHit) -> HttpResponse:
    """Mark a page that shows the refusal (and the user's input) as 429 with Retry-After."""
    response.status_code = 429
    response["Retry-After"] = str(hit.retry_after)
    return response
