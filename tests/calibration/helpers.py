"""Builders for the override and calibration tests: an invited interview with a ready report, and scorecards."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from interview.core.rubric import default_rubric
from interview.models import Chat, ExportableReport, Scorecard
from tests.factories import ChatFactory, InvitationFactory, ReportFactory, UserFactory

QUESTIONS = (
    ("Describe a Django project you are proud of.", "I built a billing service.", 7),
    ("How do you find a slow query?", "EXPLAIN ANALYZE and an index.", 6),
)


def criterion_scores(scores: dict[str, int] | None = None) -> list[dict[str, Any]]:
    """The default rubric's criteria scored as given (professionalism 70, subject knowledge 60, clarity 50)."""
    scores = scores or {"professionalism": 70, "subject_knowledge": 60, "clarity": 50}
    return [
        {
            "key": c["key"],
            "name": c["name"],
            "weight": c["weight"],
            "score": scores[c["key"]],
            "evidence": "quoted",
            "feedback": "ok",
        }
        for c in default_rubric()
        if c["key"] in scores
    ]


def invited_report(
    *,
    interviewer: Any = None,
    candidate: Any = None,
    scores: dict[str, int] | None = None,
    model: str = "gpt-4o-mini",
    prompt: str = "abc123def456",
    offline: bool = False,
    published: bool = False,
) -> ExportableReport:
    """A completed invited interview with a ready version-1 report holding two scored questions and criteria."""
    interviewer = interviewer or UserFactory(role="interviewer")
    candidate = candidate or UserFactory(role="candidate")
    chat = ChatFactory(user=candidate, title="Backend screen", status=Chat.COMPLETED, started_at=timezone.now())
    InvitationFactory(interviewer=interviewer, chat=chat, candidate=candidate, feedback_published=published)
    criteria = criterion_scores(scores)
    by_key = {c["key"]: c["score"] for c in criteria}
    return ReportFactory(
        chat=chat,
        status=ExportableReport.READY,
        version=1,
        professionalism_score=by_key.get("professionalism"),
        subject_knowledge_score=by_key.get("subject_knowledge"),
        clarity_score=by_key.get("clarity"),
        overall_score=59,
        feedback_text="Solid.",
        question_responses=[
            {"index": i, "question": q, "answer": a, "status": "answered", "score": s, "feedback": "f", "evidence": ""}
            for i, (q, a, s) in enumerate(QUESTIONS)
        ],
        criterion_scores=criteria,
        model_name="offline-rubric" if offline else model,
        is_offline=offline,
        prompt_version=prompt,
    )


def scored_report(**kwargs: Any) -> ExportableReport:
    """`invited_report` whose inviting interviewer has submitted a scorecard (all 3s), so the blind rule lets
    them see and override the AI's scores."""
    report = invited_report(**kwargs)
    scorecard(report.chat, report.chat.invitation.interviewer, {c["key"]: 3 for c in default_rubric()})
    return report


def scorecard(chat: Chat, interviewer: Any, scores: dict[str, int], *, submitted: bool = True) -> Scorecard:
    """A scorecard with a 1-5 score per criterion key, submitted unless told otherwise."""
    return Scorecard.objects.create(
        chat=chat,
        interviewer=interviewer,
        scores={key: {"score": value, "comment": ""} for key, value in scores.items()},
        status=Scorecard.SUBMITTED if submitted else Scorecard.DRAFT,
        submitted_at=timezone.now() if submitted else None,
        recommendation=Scorecard.YES,
    )
