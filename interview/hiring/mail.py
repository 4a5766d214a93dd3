"""Emails of the hiring area: one sender (text and HTML parts, an optional calendar) and absolute links."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)


def site_url(path: str) -> str:
    """Return an absolute URL for `path` on this site (settings.SITE_URL)."""
    base = settings.SITE_URL.rstrip("/")
    return f"{base}{path}"


def email_send(*, subject: str, template: str, context: dict[str, Any], to: str, calendar: str | None = None) -> bool:
    """Send one email from the `emails/<template>` .txt and .html pair; False (logged) when it could not go out."""
    message = EmailMultiAlternatives(subject=subject, body=render_to_string(f"emails/{template}.txt", context), to=[to])
    message.attach_alternative(render_to_string(f"emails/{template}.html", context), "text/html")
    if calendar is not None:
        message.attach("invitation.ics", calendar, "text/calendar")
    try:
        message.send()
    except Exception:  # the row is saved either way; a failed email is reported, never fatal
        logger.exception("Could not send the %s email to %s", template, to)
        return False
    return True
