"""Question banks and their questions: create, change and delete, with tags set in the same transaction."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction

from interview.models import Question, QuestionBank
from interview.setup.tags import tags_get_or_create


def bank_create(*, owner: Any, name: str, description: str = "", is_shared: bool = False) -> QuestionBank:
    """Create a bank owned by `owner`; validated before it is saved."""
    bank = QuestionBank(owner=owner, name=name.strip(), description=description.strip(), is_shared=is_shared)
    bank.full_clean()
    bank.save()
    return bank


def bank_update(*, bank: QuestionBank, name: str, description: str = "", is_shared: bool = False) -> QuestionBank:
    """Change a bank's name, description and sharing; validated before it is saved."""
    bank.name, bank.description, bank.is_shared = name.strip(), description.strip(), is_shared
    bank.full_clean()
    bank.save()
    return bank


def bank_delete(*, bank: QuestionBank) -> None:
    """Delete a bank and its questions; templates that used it simply lose the link."""
    bank.delete()


def question_create(
    *,
    bank: QuestionBank,
    text: str,
    difficulty: str,
    interview_type: str = "",
    tag_names: Iterable[str] = (),
    guidance: str = "",
) -> Question:
    """Add a question with its tags (and optional guidance on a strong answer) to `bank`, all or nothing."""
    question = Question(
        question_bank=bank,
        text=text.strip(),
        difficulty=difficulty,
        interview_type=interview_type,
        guidance=guidance.strip(),
    )
    question.full_clean()
    with transaction.atomic():
        question.save()
        question.tags.set(tags_get_or_create(tag_names))
    return question


def question_update(
    *,
    question: Question,
    text: str,
    difficulty: str,
    interview_type: str = "",
    tag_names: Iterable[str] = (),
    guidance: str = "",
) -> Question:
    """Change a question's text, difficulty, type, tags and guidance, all or nothing."""
    question.text, question.difficulty, question.interview_type = text.strip(), difficulty, interview_type
    question.guidance = guidance.strip()
    question.full_clean()
    with transaction.atomic():
        question.save()
        question.tags.set(tags_get_or_create(tag_names))
    return question


def question_delete(*, question: Question) -> None:
    """Delete one question (chats keep the copies in their key questions)."""
    question.delete()
