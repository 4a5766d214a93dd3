"""Hiring's signal receivers: complete an invitation with its interview, verify emails of new accounts."""

from __future__ import annotations

import logging
from typing import Any

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils import timezone

from interview.signals import chat_completed

logger = logging.getLogger(__name__)


@receiver(chat_completed, dispatch_uid="hiring.invitation_on_chat_completed")
def invitation_on_chat_completed(sender: Any, chat_id: int, reason: str = "", **kwargs: Any) -> None:
    """After an interview completes, mark its invitation completed and email the interviewer."""
    from interview.hiring.services import invitation_complete

    invitation_complete(chat_id=chat_id, now=timezone.now())


@receiver(user_logged_in, dispatch_uid="hiring.verification_on_sign_up")
def verification_on_sign_up(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """When sign-up logs a new account in, email it a verification link (keeping where it was going)."""
    match = getattr(request, "resolver_match", None)
    if request is None or match is None or match.url_name != "register" or not user.email:
        return
    from interview.accounts.email_verification import email_verification_send
    from interview.accounts.views import verify_link_builder
    from interview.core.pages import safe_next_url

    email_verification_send(
        user=user, link_for=verify_link_builder(request, safe_next_url(request)), now=timezone.now(), force=True
    )
