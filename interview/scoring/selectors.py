"""Reads for scorecards: the chat, what each viewer may see, and the side-by-side board (AI and humans per criterion).

Scorecards exist only for invited interviews. Who sees what is the blind rule (interview/scoring/blind.py):
a panelist sees their own scorecard always and the others' submitted ones (and the AI's scores) once theirs
is submitted; admins see every scorecard, drafts included; the candidate sees none.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from interview.accounts.permissions import can_view_chat, is_admin
from interview.core.errors import ErrorCode, ServiceError
from interview.core.rubric import rubric_or_default, score_band
from interview.models import Chat, ExportableReport, Scorecard
from interview.scoring.blind import may_score, scorecards_visible_to, scores_hidden_from

# Two bands or more between the lowest and the highest score of a criterion is a disagreement.
DISAGREEMENT_BANDS = 2


def chat_get_for_scoring(user: Any, chat_id: int) -> Chat | None:
    """The invited chat if the user may read it (its candidate included, who is then refused scorecards)."""
    chat = Chat.objects.select_related("user", "invitation", "invitation__interviewer").filter(pk=chat_id).first()
    if chat is None or getattr(chat, "invitation", None) is None or not can_view_chat(user, chat):
        return None
    return chat


def criteria_of(chat: Chat) -> list[dict[str, Any]]:
    """The chat's rubric criteria (the default rubric for chats made before rubrics)."""
    return rubric_or_default(chat.rubric)


def scorecard_list_for(user: Any, chat: Chat) -> list[Scorecard]:
    """The scorecards the user may read: admins all; panelists their own, and the others' submitted ones once
    theirs is submitted; nobody else any."""
    if not may_score(user, chat):
        raise ServiceError(ErrorCode.FORBIDDEN, "Scorecards are for the interview's panel and admins.")
    rows = Scorecard.objects.filter(chat=chat).select_related("interviewer", "reopened_by")
    if is_admin(user):
        return list(rows)
    if scorecards_visible_to(user, chat):
        return [card for card in rows if card.interviewer_id == user.pk or card.is_submitted]
    return [card for card in rows if card.interviewer_id == user.pk]


def scorecard_get_for(user: Any, chat: Chat, interviewer_id: int) -> Scorecard:
    """One interviewer's scorecard as the user may read it; refused with `scores_hidden` while the user is blind."""
    if not may_score(user, chat):
        raise ServiceError(ErrorCode.FORBIDDEN, "Scorecards are for the interview's panel and admins.")
    if interviewer_id != user.pk and scores_hidden_from(user, chat):
        raise ServiceError(
            ErrorCode.SCORES_HIDDEN, "Submit your own scorecard first; then you see the others' and the AI's scores."
        )
    card = Scorecard.objects.filter(chat=chat, interviewer_id=interviewer_id).select_related("interviewer").first()
    if card is None or not (card.interviewer_id == user.pk or card.is_submitted or is_admin(user)):
        raise ServiceError(ErrorCode.NOT_FOUND, "No such scorecard.")
    return card


def ai_scores(chat: Chat) -> dict[str, dict[str, Any]]:
    """The AI's per-criterion scores of the chat's latest report, by key ({} before a report is ready)."""
    report = ExportableReport.objects.filter(chat=chat, version__gte=1).first()
    if report is None:
        return {}
    return {
        str(item["key"]): item
        for item in (report.criterion_scores or [])
        if isinstance(item, dict) and "key" in item and isinstance(item.get("score"), (int, float))
    }


@dataclass(frozen=True)
class HumanScore:
    """One person's score of one criterion (None: not scored)."""

    name: str
    score: int | None
    comment: str = ""


@dataclass(frozen=True)
class BoardRow:
    """One criterion side by side: the AI (0-100 and its 1-5 band) and each human, flagged on disagreement."""

    key: str
    name: str
    ai_score: float | None
    ai_band: int | None
    humans: list[HumanScore]
    disagree: bool


@dataclass(frozen=True)
class Board:
    """The side-by-side view: one row per criterion, the people in column order, and their recommendations."""

    rows: list[BoardRow]
    people: list[str]
    recommendations: list[tuple[str, str]] = field(default_factory=list)


def person_name(user: Any) -> str:
    """A person as scorecards name them: their full name, else their username."""
    return user.get_full_name().strip() or user.get_username()


def scorecard_board(chat: Chat, cards: list[Scorecard]) -> Board:
    """Every criterion with the AI's score and each submitted scorecard's, disagreements of two bands or more flagged."""
    submitted = [card for card in cards if card.is_submitted]
    ai = ai_scores(chat)
    rows = []
    for criterion in criteria_of(chat):
        key = criterion["key"]
        ai_score = ai[key]["score"] if key in ai else None
        ai_band = score_band(ai_score) if ai_score is not None else None
        humans = [_human(card, key) for card in submitted]
        bands = [b for b in [ai_band, *(h.score for h in humans)] if b is not None]
        disagree = len(bands) >= 2 and max(bands) - min(bands) >= DISAGREEMENT_BANDS
        rows.append(BoardRow(key, criterion["name"], ai_score, ai_band, humans, disagree))
    recommendations = [(person_name(c.interviewer), c.get_recommendation_display()) for c in submitted]
    return Board(rows=rows, people=[person_name(c.interviewer) for c in submitted], recommendations=recommendations)


def _human(card: Scorecard, key: str) -> HumanScore:
    entry = (card.scores or {}).get(key) or {}
    score = entry.get("score") if isinstance(entry, dict) else None
    return HumanScore(person_name(card.interviewer), score, str(entry.get("comment", "")) if entry else "")
