"""Hiring's signal receivers: an invitation completes with its interview."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver
from django.utils import timezone

from interview.hiring.services import invitation_complete
from interview.interviews.signals import chat_completed


@receiver(chat_completed, dispatch_uid="hiring.invitation_on_chat_completed")
def invitation_on_chat_completed(sender: Any, chat_id: int, reason: str = "", **kwargs: Any) -> None:
    """After an interview completes, mark its invitation completed and email the interviewer."""
    invitation_complete(chat_id=chat_id, now=timezone.now())
