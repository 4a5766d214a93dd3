"""Builders shared by the hiring tests: a fixed clock, verified users, fillable templates, invitations."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta
from typing import Any

from django.utils import timezone

from interview.hiring.selectors import token_hash
from tests.factories import InvitationFactory, QuestionBankFactory, QuestionFactory, TemplateFactory, UserFactory

# A fixed "now" for services that take a clock: a Friday afternoon, well in the future.
NOW = datetime(2030, 3, 15, 14, 0, tzinfo=UTC)


def verified(user: Any, email: str | None = None) -> Any:
    """Mark the user's (current or given) email verified and return the user."""
    user.profile.verified_email = email or user.email
    user.profile.email_verified_at = timezone.now()
    user.profile.save()
    return user


def verified_user(username: str, **kwargs: Any) -> Any:
    """A user whose email is verified."""
    return verified(UserFactory(username=username, **kwargs))


def fillable_template(owner: Any, **kwargs: Any) -> Any:
    """A private template of `owner` whose bank can fill it (4 easy and 4 medium questions, 4 asked)."""
    bank = QuestionBankFactory(owner=owner)
    for difficulty in ("easy", "medium"):
        QuestionFactory.create_batch(4, question_bank=bank, difficulty=difficulty)
    options = {"question_count": 4, "easy_percentage": 50, "medium_percentage": 50, "hard_percentage": 0}
    template = TemplateFactory(user=owner, **(options | kwargs))
    template.question_banks.add(bank)
    return template


def invitation_with_token(
    *, interviewer: Any, email: str, scheduled_time: datetime | None = None, duration: int = 60, **kwargs: Any
) -> tuple[Any, str]:
    """A pending invitation from a fillable template of the interviewer, and its join token."""
    token = secrets.token_urlsafe(32)
    invitation = InvitationFactory(
        interviewer=interviewer,
        candidate_email=email,
        template=kwargs.pop("template", None) or fillable_template(interviewer),
        scheduled_time=scheduled_time or timezone.now() - timedelta(minutes=5),
        duration_minutes=duration,
        token_hash=token_hash(token),
        **kwargs,
    )
    return invitation, token


class BrokenBackend:
    """An email backend whose SMTP server is down."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        pass

    def send_messages(self, messages: Any) -> int:
        raise ConnectionRefusedError("SMTP is down")
