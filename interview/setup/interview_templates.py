"""Interview templates: create, change, copy and delete them, and assemble key questions from one."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from interview.models import InterviewTemplate, Question, QuestionBank
from interview.models.templates import FOLLOW_UPS_DEFAULT
from interview.setup.assembly import KeyQuestion, PoolQuestion, ShortageError, assemble
from interview.setup.selectors import pool_from, template_pool
from interview.setup.tags import tags_get_or_create

DEFAULT_TIME_LIMITS = {"easy": 120, "medium": 180, "hard": 300}
NAME_MAX_LENGTH = InterviewTemplate._meta.get_field("name").max_length


@dataclass
class TemplateData:
    """Everything a template form or API request sets on a template."""

    name: str
    difficulty: int
    question_count: int
    easy_percentage: int
    medium_percentage: int
    hard_percentage: int
    description: str = ""
    tag_names: Sequence[str] = ()
    banks: Sequence[QuestionBank] = ()
    is_public: bool = False
    shared_with: Sequence[Any] = field(default_factory=list)
    max_follow_ups: int = FOLLOW_UPS_DEFAULT
    # The rubric (validated and normalised by the model's clean); None keeps the template's (a new one: the default).
    rubric: list[dict[str, Any]] | None = None


def time_limits() -> dict[str, int]:
    """Seconds to answer a key question, by difficulty (settings.KEY_QUESTION_TIME_LIMITS)."""
    return {**DEFAULT_TIME_LIMITS, **settings.KEY_QUESTION_TIME_LIMITS}


def template_key_questions(template: InterviewTemplate, *, seed: int) -> list[KeyQuestion]:
    """Assemble the template's key questions; raises ShortageError naming every difficulty its banks cannot fill."""
    return _assemble(template, template_pool(template), [t.name for t in template.tags.all()], seed)


def template_create(*, user: Any, data: TemplateData) -> InterviewTemplate:
    """Create a template owned by `user` with its tags, banks and sharing, after checking the banks can supply it."""
    template = InterviewTemplate(user=user)
    return _save(template, data)


def template_update(*, template: InterviewTemplate, data: TemplateData) -> InterviewTemplate:
    """Change every field, tag, bank and share of a template at once; nothing changes if any check fails."""
    return _save(template, data)


def template_copy(*, template: InterviewTemplate, user: Any) -> InterviewTemplate:
    """Make a private copy of `template` owned by `user`, with the same tags, banks, policy and rubric, shared with nobody."""
    name = f"Copy of {template.name}"[:NAME_MAX_LENGTH]
    copy = InterviewTemplate(
        user=user,
        name=name,
        description=template.description,
        difficulty=template.difficulty,
        question_count=template.question_count,
        easy_percentage=template.easy_percentage,
        medium_percentage=template.medium_percentage,
        hard_percentage=template.hard_percentage,
        max_follow_ups=template.max_follow_ups,
        rubric=template.rubric,
        is_public=False,
    )
    with transaction.atomic():
        copy.save()
        copy.tags.set(template.tags.all())
        copy.question_banks.set(template.question_banks.all())
    return copy


def template_delete(*, template: InterviewTemplate) -> None:
    """Delete a template; job listings that recommended it and invitations that used it lose the link."""
    template.delete()


def _save(template: InterviewTemplate, data: TemplateData) -> InterviewTemplate:
    template.name = data.name.strip()
    template.description = data.description.strip()
    template.difficulty = data.difficulty
    template.question_count = data.question_count
    template.easy_percentage = data.easy_percentage
    template.medium_percentage = data.medium_percentage
    template.hard_percentage = data.hard_percentage
    template.is_public = data.is_public
    template.max_follow_ups = data.max_follow_ups
    if data.rubric is not None:
        template.rubric = data.rubric
    template.full_clean()  # field ranges, and clean(): the percentages add up to 100, the rubric is valid
    with transaction.atomic():
        tags = tags_get_or_create(data.tag_names)
        _check_supply(template, data.banks, [t.name for t in tags])
        template.save()
        template.tags.set(tags)
        template.question_banks.set(data.banks)
        template.shared_with.set([u for u in data.shared_with if u.pk != template.user_id])
    return template


def _check_supply(template: InterviewTemplate, banks: Iterable[QuestionBank], tag_names: list[str]) -> None:
    """Refuse a template whose banks cannot fill its question count in its difficulty mix."""
    pool = pool_from(Question.objects.filter(question_bank__in=[b.pk for b in banks]))
    try:
        _assemble(template, pool, tag_names, seed=0)
    except ShortageError as exc:
        raise ValidationError(
            {"question_count": str(exc) + " Add questions or banks, or lower the question count."}
        ) from exc


def _assemble(
    template: InterviewTemplate, pool: list[PoolQuestion], tag_names: list[str], seed: int
) -> list[KeyQuestion]:
    return assemble(
        pool,
        count=template.question_count,
        percentages={
            "easy": template.easy_percentage,
            "medium": template.medium_percentage,
            "hard": template.hard_percentage,
        },
        tags=tag_names,
        seed=seed,
        time_limits=time_limits(),
    )
