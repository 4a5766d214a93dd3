"""Proving a user owns their email address, through allauth's EmailAddress and its confirmation email.

`UserProfile.verified_email` / `email_verified_at` (what invitations check) follow allauth: a verified
EmailAddress equal to the user's email sets them (`email_address_sync`, run on every EmailAddress save).
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest

from interview.core.errors import ErrorCode, ServiceError
from interview.models import UserProfile

logger = logging.getLogger(__name__)

NEXT_SESSION_KEY = "email_verify_next"


def email_address_sync(*, address: EmailAddress, now: datetime) -> bool:
    """Copy a verified address onto its user's profile when it is the user's current email; True if it did."""
    user = address.user
    if not address.verified or (user.email or "").lower() != address.email.lower():
        return False
    with transaction.atomic():
        profile, _ = UserProfile.objects.select_for_update().get_or_create(user=user)
        if profile.email_verified:
            return False
        profile.verified_email = user.email
        profile.email_verified_at = now
        profile.save(update_fields=["verified_email", "email_verified_at", "updated_at"])
    return True


def email_verification_send(*, request: HttpRequest, user: Any, next_url: str = "", force: bool = False) -> bool:
    """Email the user allauth's confirmation link (at most once a minute unless forced); True if one was sent."""
    if not user.email:
        raise ServiceError(ErrorCode.NO_EMAIL, "Your account has no email address to verify.")
    resend = int(settings.EMAIL_VERIFICATION_RESEND_SECONDS)
    if not force and resend > 0 and not cache.add(f"email-verify-sent:{user.pk}", True, resend):
        return False
    address = EmailAddress.objects.filter(user=user, email__iexact=user.email).first()
    if address is None:
        address = EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=False)
    if next_url:
        request.session[NEXT_SESSION_KEY] = next_url
    try:
        address.send_confirmation(request)
    except Exception:  # an SMTP outage must not break the page; the user can ask again
        logger.exception("Could not send the verification email to user %s", user.pk)
        cache.delete(f"email-verify-sent:{user.pk}")
        return False
    return True
