"""Builders shared by the scoring tests (and by report tests whose interviewer must have scored first)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from interview.core.rubric import default_rubric
from interview.models import Scorecard


def full_scores(score: int = 4) -> dict[str, dict[str, Any]]:
    """A score for every criterion of the default rubric."""
    return {c["key"]: {"score": score, "comment": ""} for c in default_rubric()}


def scorecard_submitted(chat: Any, interviewer: Any, *, score: int = 4, recommendation: str = "yes") -> Scorecard:
    """A submitted scorecard of the chat by the interviewer (stored directly: the blind rule then lets them see)."""
    return Scorecard.objects.create(
        chat=chat,
        interviewer=interviewer,
        scores=full_scores(score),
        recommendation=recommendation,
        status=Scorecard.SUBMITTED,
        submitted_at=timezone.now(),
    )
