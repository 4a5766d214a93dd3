"""Overrides: a person's correction of one AI score (a key question's 0-10 or a criterion's 0-100), with a reason.

Who: the inviting interviewer, the invitation's panel members and admins. Never the candidate. On a
practice interview (no invitation) only admins may override: a practice report is the candidate's own
mirror, and letting them re-score themselves would also feed self-grading into calibration.

Each override, in one transaction under a row lock on the report, snapshots the current report as a
ReportVersion (as regeneration does), bumps `report.version`, writes the ScoreOverride row (its `ai_score`
is always the AI's original value, also when the target was overridden before), replaces the score in
`question_responses` / `criterion_scores` and recomputes the spec score fields and `overall_score` from
`criterion_scores` (core.rubric.weighted_mean). The replaced item carries an `override` mark,
{"ai_score", "reason", "by_id", "version"}: readers show "AI 7 → 5 (reason)" to the hiring team, and the
candidate's copy of the report drops it (see selectors.report_for_candidate).

Regeneration grades afresh: the new version holds fresh AI scores without marks, so earlier overrides are
no longer applied; they stay as ScoreOverride rows and in the report's history ("Score overrides").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction

from interview.accounts.permissions import UserLike, is_admin, role_of
from interview.audit.actions import AuditAction
from interview.audit.services import audit_record
from interview.core.errors import ErrorCode, ServiceError
from interview.core.rubric import SPEC_KEYS, weighted_mean
from interview.fairness.services import fairness_guard
from interview.models import Chat, ExportableReport, ReportVersion, ScoreOverride
from interview.scoring.blind import scores_hidden_from

QUESTION_MAX = 10
CRITERION_MAX = 100
REASON_MAX_CHARS = 2000
MARK = "override"
FORBIDDEN_MESSAGE = "Only the interviewers of this interview (or an admin) can override its scores."


@dataclass(frozen=True)
class OverrideRequest:
    """What to override: a 1-based key question number or a criterion key, the new score and the reason."""

    score: Any
    reason: Any
    question: Any = None
    criterion: Any = None
    # Keep wording the fairness library only warns about (blocking terms are refused regardless).
    confirm_language: bool = False


def can_override_scores(user: UserLike | None, chat: Chat) -> bool:
    """Whether the user may override the AI's scores of this chat (inviting interviewer, panel, admins)."""
    if user is None or not user.is_authenticated:
        return False
    if is_admin(user):
        return True
    invitation = getattr(chat, "invitation", None)
    if invitation is None or role_of(user) != "interviewer":
        return False
    return invitation.interviewer_id == user.pk or invitation.panel.filter(pk=user.pk).exists()


def score_override(*, chat: Chat, user: UserLike, request: OverrideRequest) -> ScoreOverride:
    """Apply one override as a new report version; a refusal (ServiceError) changes nothing."""
    if not can_override_scores(user, chat):
        raise ServiceError(ErrorCode.FORBIDDEN, FORBIDDEN_MESSAGE)
    if scores_hidden_from(user, chat):  # the blind rule: the AI's scores stay hidden until they submit
        raise ServiceError(
            ErrorCode.SCORES_HIDDEN, "Submit your own scorecard before you see or change the AI's scores."
        )
    reason = request.reason.strip() if isinstance(request.reason, str) else ""
    if not reason:
        raise ServiceError(ErrorCode.REASON_REQUIRED, "Say why you are changing the AI's score: a reason is required.")
    if len(reason) > REASON_MAX_CHARS:
        raise ServiceError(ErrorCode.INVALID, f"The reason must be at most {REASON_MAX_CHARS} characters.")
    fairness_guard(text=reason, confirmed=request.confirm_language is True, field="reason")
    with transaction.atomic():
        report = ExportableReport.objects.select_for_update().filter(chat=chat).first()
        if report is None or report.version < 1:
            raise ServiceError(
                ErrorCode.NO_REPORT, "This interview has no report yet, so there is no score to override."
            )
        if report.status in (ExportableReport.PENDING, ExportableReport.GENERATING):
            raise ServiceError(
                ErrorCode.REPORT_BUSY, "The report is being regenerated; override its scores once it is ready."
            )
        items, position, kind, limit = _target(report, request)
        score = _score(request.score, limit)
        return _apply(report, items, position, kind=kind, score=score, reason=reason, user=user, request=request)


def _target(report: ExportableReport, request: OverrideRequest) -> tuple[list[dict[str, Any]], int, str, int]:
    """The list holding the target, its position, the override kind and the score's upper limit."""
    if (request.question is None) == (request.criterion is None):
        raise ServiceError(ErrorCode.INVALID, 'Name exactly one target: "question" (a number) or "criterion" (a key).')
    if request.criterion is not None:
        items = [dict(c) for c in report.criterion_scores]
        keys = [str(c.get("key")) for c in items]
        if not isinstance(request.criterion, str) or request.criterion not in keys:
            raise ServiceError(ErrorCode.UNKNOWN_CRITERION, f"This report has no criterion {request.criterion!r}.")
        return items, keys.index(request.criterion), ScoreOverride.CRITERION, CRITERION_MAX
    items = [dict(q) for q in report.question_responses]
    number = request.question
    if isinstance(number, bool) or not isinstance(number, int) or not 1 <= number <= len(items):
        raise ServiceError(
            ErrorCode.SCORE_OUT_OF_RANGE, f"There is no question {number!r}: questions are numbered 1 to {len(items)}."
        )
    return items, number - 1, ScoreOverride.QUESTION, QUESTION_MAX


def _score(value: Any, limit: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= limit:
        raise ServiceError(ErrorCode.SCORE_OUT_OF_RANGE, f"The score must be a whole number from 0 to {limit}.")
    return value


def _apply(
    report: ExportableReport,
    items: list[dict[str, Any]],
    position: int,
    *,
    kind: str,
    score: int,
    reason: str,
    user: UserLike,
    request: OverrideRequest,
) -> ScoreOverride:
    report_snapshot(report)
    item = items[position]
    previous = item.get(MARK) or {}
    ai_score = previous.get("ai_score", item.get("score"))
    report.version += 1
    item["score"] = score
    item[MARK] = {"ai_score": ai_score, "reason": reason, "by_id": user.pk, "version": report.version}
    if kind == ScoreOverride.CRITERION:
        report.criterion_scores = items
    else:
        report.question_responses = items
    scores_recompute(report)
    report.save()
    override = ScoreOverride.objects.create(
        report=report,
        kind=kind,
        question_number=request.question if kind == ScoreOverride.QUESTION else None,
        criterion_key=request.criterion if kind == ScoreOverride.CRITERION else "",
        ai_score=ai_score,
        score=score,
        reason=reason,
        by_id=user.pk if user.is_authenticated else None,
        version=report.version,
    )
    target = request.criterion if kind == ScoreOverride.CRITERION else f"question {request.question}"
    detail = {"target": target, "ai_score": ai_score, "score": score, "version": report.version}
    audit_record(actor=user, action=AuditAction.SCORE_OVERRIDDEN, target=report, detail=detail)
    return override


def scores_recompute(report: ExportableReport) -> None:
    """Refill the spec score fields and overall_score from criterion_scores (left alone when there are none)."""
    criteria = [c for c in report.criterion_scores if isinstance(c.get("score"), int)]
    if not criteria:
        return
    scores = {str(c["key"]): int(c["score"]) for c in criteria}
    for key in SPEC_KEYS:
        if key in scores:
            setattr(report, f"{key}_score", scores[key])
    report.overall_score = weighted_mean(scores, criteria)


def report_snapshot(report: ExportableReport) -> ReportVersion:
    """Keep the report's current version (scores, criteria, what produced it) before it changes."""
    version, _ = ReportVersion.objects.update_or_create(
        report=report,
        version=report.version,
        defaults={
            "professionalism_score": report.professionalism_score,
            "subject_knowledge_score": report.subject_knowledge_score,
            "clarity_score": report.clarity_score,
            "overall_score": report.overall_score,
            "question_scores": [q.get("score") for q in report.question_responses],
            "criterion_scores": report.criterion_scores,
            "feedback_text": report.feedback_text,
            "is_offline": report.is_offline,
            "model_name": report.model_name,
            "prompt_version": report.prompt_version,
            "generated_at": report.generated_at,
        },
    )
    return version


def override_label(mark: dict[str, Any] | None, score: Any) -> str:
    """How the hiring team reads an override: "AI 7 → 5 (reason)"; empty when the score is the AI's own."""
    if not mark:
        return ""
    ai = mark.get("ai_score")
    return f"AI {'not scored' if ai is None else ai} → {score} ({mark.get('reason', '')})"
