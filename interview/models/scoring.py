"""Human scoring beside the AI: interviewers' scorecards and overrides of AI scores."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Scorecard(models.Model):
    """One interviewer's scores of one interview: a 1-5 score per rubric criterion, a recommendation and notes.

    A draft may be saved many times; submission is final (only an admin can reopen it). Until its author
    submits it, the author sees neither the other humans' scorecards nor the AI's scores (the blind rule).
    """

    DRAFT = "draft"
    SUBMITTED = "submitted"
    STATUS_CHOICES = [(DRAFT, "Draft"), (SUBMITTED, "Submitted")]

    STRONG_NO = "strong_no"
    NO = "no"
    YES = "yes"
    STRONG_YES = "strong_yes"
    RECOMMENDATION_CHOICES = [(STRONG_NO, "Strong no"), (NO, "No"), (YES, "Yes"), (STRONG_YES, "Strong yes")]

    chat = models.ForeignKey("interview.Chat", on_delete=models.CASCADE, related_name="scorecards")
    interviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="scorecards")
    # {criterion key: {"score": 1-5, "comment": "..."}} for the criteria of chat.rubric.
    scores = models.JSONField(default=dict, blank=True)
    recommendation = models.CharField(max_length=20, choices=RECOMMENDATION_CHOICES, blank=True)
    notes = models.TextField(blank=True)
    status = models.CharField(max_length=20, choices=STATUS_CHOICES, default=DRAFT, db_index=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    # The last time an admin reopened a submitted scorecard, and who.
    reopened_at = models.DateTimeField(null=True, blank=True)
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="reopened_scorecards"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["chat_id", "created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["chat", "interviewer"], name="interview_scorecard_one_per_interviewer")
        ]

    def __str__(self) -> str:
        return f"Scorecard by {self.interviewer_id} on chat {self.chat_id} ({self.status})"

    @property
    def is_submitted(self) -> bool:
        return self.status == self.SUBMITTED


class ScoreOverride(models.Model):
    """A person's correction of one AI score, with the AI's value and the reason kept.

    Each override makes a new report version (`version`); the report shows "AI 7 → 5 (reason)".
    """

    QUESTION = "question"
    CRITERION = "criterion"
    KIND_CHOICES = [(QUESTION, "Question"), (CRITERION, "Criterion")]

    report = models.ForeignKey("interview.ExportableReport", on_delete=models.CASCADE, related_name="overrides")
    kind = models.CharField(max_length=20, choices=KIND_CHOICES)
    # The 1-based key question number (kind "question", scores 0-10) or the criterion key (kind "criterion", 0-100).
    question_number = models.IntegerField(null=True, blank=True)
    criterion_key = models.CharField(max_length=40, blank=True)
    ai_score = models.IntegerField(null=True, blank=True)
    score = models.IntegerField()
    reason = models.TextField()
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="score_overrides"
    )
    # The report version this override produced.
    version = models.IntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["report_id", "created_at", "id"]

    def __str__(self) -> str:
        target = f"question {self.question_number}" if self.kind == self.QUESTION else self.criterion_key
        return f"Override of {target} on report {self.report_id}: {self.ai_score} → {self.score}"
