"""The blind rule: who may see the other humans' scorecards and the AI's scores of an invited interview.

An interviewer on the chat's panel (the inviting interviewer or a co-interviewer) who has not submitted
their own scorecard sees neither the other humans' scorecards nor the AI's scores, so nobody is swayed
before they commit. They still read the transcript and score. Admins always see everything. The candidate
never sees scorecards and sees the AI report as the report rules allow. A scorecard an admin reopened is a
draft again, so its author is blind again until they submit it once more.

Every page, API route, export and socket that shows scores asks `scores_hidden_from`.
"""

from __future__ import annotations

from typing import Any

from interview.accounts.permissions import is_admin, is_interviewer, on_panel
from interview.models import Chat, InvitedInterview, Scorecard


def invitation_of(chat: Chat) -> InvitedInterview | None:
    """The chat's invitation, or None for a practice interview (cached on the chat by the descriptor)."""
    return getattr(chat, "invitation", None)


def is_panelist(user: Any, chat: Chat) -> bool:
    """Whether the user is on the chat's panel: its inviting interviewer or one of its co-interviewers."""
    invitation = invitation_of(chat)
    if invitation is None or user is None or not user.is_authenticated or not is_interviewer(user):
        return False
    return invitation.interviewer_id == user.pk or on_panel(invitation, user.pk)


def may_score(user: Any, chat: Chat) -> bool:
    """Whether the user may keep a scorecard of the chat: its panel and admins, on invited interviews only."""
    if invitation_of(chat) is None or user is None or not user.is_authenticated:
        return False
    return is_admin(user) or is_panelist(user, chat)


def has_submitted(user: Any, chat: Chat) -> bool:
    """Whether the user's own scorecard of the chat is submitted."""
    return Scorecard.objects.filter(chat=chat, interviewer_id=user.pk, status=Scorecard.SUBMITTED).exists()


def scores_hidden_from(user: Any, chat: Chat) -> bool:
    """True while the user is a non-admin panelist of the chat without a submitted scorecard of their own."""
    if is_admin(user) or not is_panelist(user, chat):
        return False
    return not has_submitted(user, chat)


def scorecards_visible_to(user: Any, chat: Chat) -> bool:
    """Whether the user may read other people's submitted scorecards: admins, and panelists who submitted."""
    if is_admin(user):
        return True
    return is_panelist(user, chat) and has_submitted(user, chat)
