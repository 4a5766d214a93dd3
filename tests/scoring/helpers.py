"""Builders shared by the scoring tests (and by report tests whose interviewer must have scored first)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from interview.core.rubric import default_rubric
from interview.models import Chat, InvitedInterview, Scorecard
from tests.factories import InvitationFactory, UserFactory
from tests.reports.helpers import generate, make_chat


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


# Markers a viewer's response contains only if it shows the AI's scores or another human's scorecard.
AI_MARKER = "AI-FEEDBACK-MARKER"
HUMAN_MARKER = "THIRD-PANELIST-COMMENT"
# The AI's criterion scores of the panel world's report (clarity 91 → band 5; the humans give 2: disagreement).
AI_CRITERIA = [
    {"key": "professionalism", "name": "Professionalism", "weight": 0.25, "score": 70, "evidence": "e", "feedback": "f"},
    {"key": "subject_knowledge", "name": "Subject knowledge", "weight": 0.45, "score": 55, "evidence": "e", "feedback": "f"},
    {"key": "clarity", "name": "Clarity", "weight": 0.30, "score": 91, "evidence": "e", "feedback": "f"},
]  # fmt: skip


@dataclass
class PanelWorld:
    """A completed invited interview with a ready report (criterion scores set), a panel and a third scorer."""

    chat: Any
    invitation: Any
    report: Any
    users: dict[str, Any]


def panel_world(*, submitted: tuple[str, ...] = ()) -> PanelWorld:
    """Creator "author", co-interviewers "member" and "third" (third has submitted a scorecard with HUMAN_MARKER),
    the candidate and an admin; `submitted` names who else has submitted a scorecard."""
    author = UserFactory(username="author", role="interviewer")
    candidate = UserFactory(username="cand", email="cand@example.com")
    users = {
        "author": author,
        "member": UserFactory(username="member", role="interviewer", email="member@example.com"),
        "third": UserFactory(username="third", role="interviewer", email="third@example.com"),
        "candidate": candidate,
        "admin": UserFactory(username="root", role="admin"),
    }
    chat = make_chat(candidate)
    invitation = InvitationFactory(
        interviewer=author, candidate=candidate, candidate_email=candidate.email, chat=chat,
        status=InvitedInterview.COMPLETED, completed_at=timezone.now(),
    )  # fmt: skip
    invitation.panel.add(users["member"], users["third"])
    report = generate(chat)
    report.criterion_scores = AI_CRITERIA
    report.feedback_text = f"{AI_MARKER} overall."
    report.save(update_fields=["criterion_scores", "feedback_text"])
    card = scorecard_submitted(chat, users["third"], score=2, recommendation="strong_no")
    card.scores["clarity"]["comment"] = HUMAN_MARKER
    card.save(update_fields=["scores"])
    for name in submitted:
        scorecard_submitted(chat, users[name])
    return PanelWorld(chat=Chat.objects.get(pk=chat.pk), invitation=invitation, report=report, users=users)
