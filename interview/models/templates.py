"""What a candidate may be asked: tags, question banks, questions and interview templates."""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower

from interview.core.rubric import RubricError, default_rubric, validate_rubric
from interview.models.choices import INTERVIEW_TYPE_CHOICES

_SPACES = re.compile(r"\s+")

# The follow-up policy: how many follow-up questions the interviewer may ask after each key question.
FOLLOW_UPS_MIN, FOLLOW_UPS_MAX, FOLLOW_UPS_DEFAULT = 0, 3, 1
GUIDANCE_MAX_CHARS = 2000


def normalise_tag_name(name: str) -> str:
    """Return a tag's canonical form: no leading '#', trimmed, inner whitespace collapsed."""
    return _SPACES.sub(" ", (name or "").strip().lstrip("#").strip())


class TagQuerySet(models.QuerySet["Tag"]):
    def get_or_create_normalised(self, name: str) -> tuple[Tag, bool]:
        """Find a tag case-insensitively by its normalised name, creating it if missing."""
        canonical = normalise_tag_name(name)
        if not canonical:
            raise ValidationError({"name": "A tag needs a name."})
        existing = self.filter(name__iexact=canonical).first()
        if existing is not None:
            return existing, False
        return self.create(name=canonical), True


class Tag(models.Model):
    """A label on questions and templates; unique case-insensitively, one spelling per tag."""

    name = models.CharField(max_length=50, unique=True)

    objects = TagQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(Lower("name"), name="interview_tag_name_ci_unique")]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.name = normalise_tag_name(self.name)
        if not self.name:
            raise ValidationError({"name": "A tag needs a name."})
        super().save(*args, **kwargs)

    def clean_fields(self, exclude: Any = None) -> None:
        self.name = normalise_tag_name(self.name)  # check the length of the canonical form
        super().clean_fields(exclude=exclude)

    def clean(self) -> None:
        self.name = normalise_tag_name(self.name)
        if not self.name:
            raise ValidationError({"name": "A tag needs a name."})
        clash = Tag.objects.filter(name__iexact=self.name).exclude(pk=self.pk)
        if clash.exists():
            raise ValidationError({"name": f'A tag named "{clash.first()}" already exists.'})


def _is_admin(user: Any) -> bool:
    profile = getattr(user, "profile", None)
    return bool(user.is_superuser or (profile is not None and profile.role == "admin"))


class QuestionBankQuerySet(models.QuerySet["QuestionBank"]):
    def visible_to(self, user: Any) -> QuestionBankQuerySet:
        """Banks the user may read: their own and shared ones (admins: all)."""
        if not user.is_authenticated:
            return self.none()
        if _is_admin(user):
            return self.all()
        return self.filter(models.Q(owner=user) | models.Q(is_shared=True))

    def editable_by(self, user: Any) -> QuestionBankQuerySet:
        """Banks the user may change: their own (admins: all)."""
        if not user.is_authenticated:
            return self.none()
        return self.all() if _is_admin(user) else self.filter(owner=user)


class QuestionBank(models.Model):
    """A named collection of questions owned by an interviewer or admin."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="question_banks")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    # Shared banks are readable (not editable) by every interviewer.
    is_shared = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = QuestionBankQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Question(models.Model):
    """One question in a bank, with its difficulty, tags and the interview type it suits."""

    EASY = "easy"
    MEDIUM = "medium"
    HARD = "hard"
    DIFFICULTY_CHOICES = [(EASY, "Easy"), (MEDIUM, "Medium"), (HARD, "Hard")]

    question_bank = models.ForeignKey(QuestionBank, on_delete=models.CASCADE, related_name="questions")
    text = models.TextField()
    difficulty = models.CharField(max_length=10, choices=DIFFICULTY_CHOICES, default=MEDIUM)
    tags = models.ManyToManyField(Tag, blank=True, related_name="questions")
    # Blank means the question suits every interview type.
    interview_type = models.CharField(max_length=5, choices=INTERVIEW_TYPE_CHOICES, blank=True)
    # What a strong answer covers: the interviewer weighs answers against it when deciding on a follow-up.
    guidance = models.TextField(
        blank=True,
        validators=[MaxLengthValidator(GUIDANCE_MAX_CHARS)],
        help_text="Optional: what a strong answer covers. Never shown to the candidate.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["question_bank_id", "id"]

    def __str__(self) -> str:
        return self.text if len(self.text) <= 80 else self.text[:77] + "..."


class InterviewTemplateQuerySet(models.QuerySet["InterviewTemplate"]):
    def visible_to(self, user: Any) -> InterviewTemplateQuerySet:
        """Templates the user may use: own, shared with them, and public ones (admins: all)."""
        if not user.is_authenticated:
            return self.none()
        if _is_admin(user):
            return self.all()
        shared = self.filter(shared_with=user).values("pk")
        return self.filter(models.Q(user=user) | models.Q(is_public=True) | models.Q(pk__in=shared))

    def editable_by(self, user: Any) -> InterviewTemplateQuerySet:
        """Templates the user may change: their own (admins: all)."""
        if not user.is_authenticated:
            return self.none()
        return self.all() if _is_admin(user) else self.filter(user=user)


class InterviewTemplate(models.Model):
    """A reusable interview plan: difficulty, size, difficulty mix, tags and question banks."""

    DIFFICULTY_CHOICES = [
        (1, "Very Easy"),
        (2, "Easy"),
        (3, "Medium"),
        (4, "Hard"),
        (5, "Very Hard"),
    ]

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="interview_templates")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    difficulty = models.IntegerField(
        choices=DIFFICULTY_CHOICES, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    question_count = models.IntegerField(validators=[MinValueValidator(1), MaxValueValidator(50)])
    easy_percentage = models.IntegerField(default=33, validators=[MinValueValidator(0), MaxValueValidator(100)])
    medium_percentage = models.IntegerField(default=34, validators=[MinValueValidator(0), MaxValueValidator(100)])
    hard_percentage = models.IntegerField(default=33, validators=[MinValueValidator(0), MaxValueValidator(100)])
    max_follow_ups = models.IntegerField(
        default=FOLLOW_UPS_DEFAULT,
        validators=[MinValueValidator(FOLLOW_UPS_MIN), MaxValueValidator(FOLLOW_UPS_MAX)],
        help_text=(
            "Follow-up questions the interviewer may ask after each key question (0-3). "
            "Every candidate interviewed with this template gets the same policy."
        ),
    )
    # The criteria interviews from this template are scored on (interview/core/rubric.py): normalised weights.
    rubric = models.JSONField(default=default_rubric, blank=True)
    tags = models.ManyToManyField(Tag, blank=True, related_name="templates")
    question_banks = models.ManyToManyField(QuestionBank, blank=True, related_name="templates")
    # Public templates can be used by every user for practice (the demo templates are public).
    is_public = models.BooleanField(default=False)
    # Users (besides the owner) who may use, but not edit, this template.
    shared_with = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="shared_interview_templates"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = InterviewTemplateQuerySet.as_manager()

    class Meta:
        ordering = ["difficulty", "name"]

    def __str__(self) -> str:
        return self.name

    def validate_difficulty_distribution(self) -> bool:
        """Return whether the easy, medium and hard percentages sum to exactly 100."""
        parts = (self.easy_percentage, self.medium_percentage, self.hard_percentage)
        return all(p is not None for p in parts) and sum(parts) == 100

    def clean(self) -> None:
        super().clean()
        errors: dict[str, list[str]] = {}
        # The rubric is checked (1-12 criteria, unique keys, anchors, weights > 0) and stored normalised.
        try:
            self.rubric = validate_rubric(self.rubric)
        except RubricError as exc:
            errors["rubric"] = exc.problems
        if not self.validate_difficulty_distribution():
            total = sum(p or 0 for p in (self.easy_percentage, self.medium_percentage, self.hard_percentage))
            errors[NON_FIELD_ERRORS] = [
                f"Easy, medium and hard percentages must add up to 100 (they add up to {total})."
            ]
        if errors:
            raise ValidationError(errors)

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-serialisable description of the template."""
        saved = self.pk is not None
        return {
            "id": self.pk,
            "name": self.name,
            "description": self.description,
            "difficulty": self.difficulty,
            "difficulty_display": self.get_difficulty_display() if self.difficulty else "",
            "question_count": self.question_count,
            "easy_percentage": self.easy_percentage,
            "medium_percentage": self.medium_percentage,
            "hard_percentage": self.hard_percentage,
            "max_follow_ups": self.max_follow_ups,
            "rubric": self.rubric,
            "tags": sorted(t.name for t in self.tags.all()) if saved else [],
            "question_banks": [{"id": b.pk, "name": b.name} for b in self.question_banks.all()] if saved else [],
            "is_public": self.is_public,
            "owner": self.user.username if self.user_id else None,
            "created_at": self.created_at.isoformat() if self.created_at else None,
            "updated_at": self.updated_at.isoformat() if self.updated_at else None,
        }
