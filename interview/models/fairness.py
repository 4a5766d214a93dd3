"""The fairness term library: words and phrases about protected characteristics that have no place in a
candidate's evaluation (issue 21), each blocking a save or asking the writer to confirm."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower


class FairnessTerm(models.Model):
    """One word or phrase matched as a whole (never inside another word), case-insensitively."""

    AGE = "age"
    GENDER = "gender"
    PREGNANCY_FAMILY = "pregnancy_family"
    ETHNICITY = "ethnicity"
    RELIGION = "religion"
    DISABILITY = "disability"
    ORIENTATION = "orientation"
    APPEARANCE = "appearance"
    ACCENT = "accent"
    CATEGORY_CHOICES = [
        (AGE, "Age"),
        (GENDER, "Gender"),
        (PREGNANCY_FAMILY, "Pregnancy and family"),
        (ETHNICITY, "Ethnicity and national origin"),
        (RELIGION, "Religion"),
        (DISABILITY, "Disability and health"),
        (ORIENTATION, "Sexual orientation"),
        (APPEARANCE, "Appearance"),
        (ACCENT, "Accent"),
    ]
    BLOCK = "block"
    WARN = "warn"
    SEVERITY_CHOICES = [(BLOCK, "Block: the save is refused"), (WARN, "Warn: the writer must confirm")]
    TERM_MAX_CHARS = 100

    term = models.CharField(
        max_length=TERM_MAX_CHARS,
        help_text="A word or phrase, matched as a whole and case-insensitively; spaces match any run of spaces.",
    )
    category = models.CharField(max_length=20, choices=CATEGORY_CHOICES)
    severity = models.CharField(max_length=10, choices=SEVERITY_CHOICES, default=BLOCK)
    explanation = models.CharField(max_length=300, help_text="Why it is flagged, shown to the writer.")
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["category", "term"]
        constraints = [
            models.UniqueConstraint(
                Lower("term"),
                name="interview_fairnessterm_term_ci_unique",
                violation_error_message="This term is already in the library (terms are compared ignoring case).",
            ),
            models.CheckConstraint(
                condition=~models.Q(term=""),
                name="interview_fairnessterm_term_not_empty",
                violation_error_message="The term is empty: write a word or phrase.",
            ),
            models.CheckConstraint(
                condition=models.Q(severity__in=["block", "warn"]),
                name="interview_fairnessterm_severity_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.term} ({self.get_severity_display().split(':')[0].lower()}, {self.category})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.term = " ".join((self.term or "").split())
        super().save(*args, **kwargs)

    def clean(self) -> None:
        """Trim and collapse the term's whitespace; an empty term is a clear error on the field."""
        self.term = " ".join((self.term or "").split())
        if not self.term:
            raise ValidationError({"term": "The term is empty: write a word or phrase."})
        if not any(ch.isalnum() for ch in self.term):
            raise ValidationError({"term": "The term needs at least one letter or digit."})
