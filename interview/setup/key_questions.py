"""Key questions picked from the question banks, for chats without a template or LLM-proposed questions."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import Q

from interview.models import Chat, Question
from interview.setup.assembly import assemble_lenient, percentages_for_level
from interview.setup.selectors import pool_from

# Used only when no question bank holds a single usable question.
FALLBACK_QUESTIONS = [
    ("easy", "Tell me about yourself and what draws you to this role."),
    ("medium", "Describe a project you are proud of. What was your part, and what would you do differently?"),
    ("medium", "Tell me about a disagreement with a colleague and how you resolved it."),
    ("hard", "Describe the hardest technical or organisational problem you have solved. How did you approach it?"),
    ("easy", "Where do you want to grow in the next two years, and how will this role help?"),
]


def key_questions_from_banks(*, user_id: int, interview_type: str, difficulty: int, seed: int) -> list[dict[str, Any]]:
    """Pick the configured number of questions of the chat's type from shared and own banks, mixed by its difficulty."""
    count = settings.DEFAULT_KEY_QUESTION_COUNT
    limits = settings.KEY_QUESTION_TIME_LIMITS
    questions = Question.objects.filter(Q(interview_type=interview_type) | Q(interview_type="")).filter(
        Q(question_bank__is_shared=True) | Q(question_bank__owner_id=user_id)
    )
    picked = assemble_lenient(
        pool_from(questions), count=count, percentages=percentages_for_level(difficulty), seed=seed, time_limits=limits
    )
    if picked:
        return picked
    return [
        {"question": text, "time_limit": limits.get(level, 180), "difficulty": level}
        for level, text in FALLBACK_QUESTIONS[:count]
    ]


def key_questions_default(chat: Chat) -> list[dict[str, Any]]:
    """The bank-picked key questions for a chat that starts without any (the same chat always gets the same ones)."""
    return key_questions_from_banks(
        user_id=chat.user_id, interview_type=chat.type, difficulty=chat.difficulty, seed=chat.pk or 0
    )
