"""Proving a user owns their email address: a signed, time-limited link tied to the address itself.

The link's token is signed with a salt that includes the address (lower-cased), so a link stops
working as soon as the user's email changes, and the issue time is inside the signed payload so the
age check uses the caller's clock.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string

from interview.core.errors import ErrorCode, ServiceError
from interview.models import UserProfile

logger = logging.getLogger(__name__)

SALT_PREFIX = "interview.email-verification"
DEFAULT_MAX_AGE_SECONDS = 3 * 24 * 3600
DEFAULT_RESEND_SECONDS = 60


def _max_age_seconds() -> int:
    return int(settings.EMAIL_VERIFICATION_MAX_AGE_SECONDS)


def _salt(email: str) -> str:
    return f"{SALT_PREFIX}:{email.strip().lower()}"


def email_verification_token(*, user: Any, now: datetime) -> str:
    """Return a token proving, until it expires, that whoever holds it reads mail sent to the user's address."""
    if not user.email:
        raise ServiceError(ErrorCode.NO_EMAIL, "Your account has no email address to verify.")
    return signing.dumps({"u": user.pk, "t": int(now.timestamp())}, salt=_salt(user.email), compress=False)


def email_verification_confirm(*, user: Any, token: str, now: datetime) -> UserProfile:
    """Mark the user's current email as verified if the token is theirs, intact, unexpired and for this address."""
    if not user.email:
        raise ServiceError(ErrorCode.NO_EMAIL, "Your account has no email address to verify.")
    try:
        payload = signing.loads(token, salt=_salt(user.email))
    except signing.BadSignature as exc:
        raise ServiceError(
            ErrorCode.INVALID_LINK,
            "This verification link is not valid for your current email address. Ask for a new one.",
        ) from exc
    if not isinstance(payload, dict) or payload.get("u") != user.pk:
        raise ServiceError(ErrorCode.INVALID_LINK, "This verification link belongs to another account.")
    issued = payload.get("t")
    if not isinstance(issued, int) or now.timestamp() - issued > _max_age_seconds():
        raise ServiceError(ErrorCode.EXPIRED_LINK, "This verification link has expired. Ask for a new one.")
    with transaction.atomic():
        profile, _ = UserProfile.objects.select_for_update().get_or_create(user=user)
        profile.verified_email = user.email
        profile.email_verified_at = now
        profile.save(update_fields=["verified_email", "email_verified_at", "updated_at"])
    user.profile = profile
    return profile


def email_verification_send(*, user: Any, link_for: Callable[[str], str], now: datetime, force: bool = False) -> bool:
    """Email the user a verification link (at most once a minute unless forced); return whether one was sent."""
    token = email_verification_token(user=user, now=now)
    resend = int(settings.EMAIL_VERIFICATION_RESEND_SECONDS)
    if not force and resend > 0 and not cache.add(f"email-verify-sent:{user.pk}", True, resend):
        return False
    context = {
        "user": user,
        "link": link_for(token),
        "hours": _max_age_seconds() // 3600,
    }
    message = EmailMultiAlternatives(
        subject="Verify your email address for Active Interview",
        body=render_to_string("emails/verify_email.txt", context),
        to=[user.email],
    )
    message.attach_alternative(render_to_string("emails/verify_email.html", context), "text/html")
    try:
        message.send()
    except Exception:  # an SMTP outage must not break sign-up; the user can ask again
        logger.exception("Could not send the verification email to user %s", user.pk)
        cache.delete(f"email-verify-sent:{user.pk}")
        return False
    return True
