"""Every guarded save: review feedback, decision reason, scorecard comments and notes, override reasons and
observer notes are refused on a blocking term (nothing written) and need confirming on a warning."""

from __future__ import annotations

import pytest
from django.utils import timezone

from interview.core.errors import ErrorCode, ServiceError
from interview.hiring.panel import invitation_decide
from interview.hiring.services import invitation_review
from interview.interviews.notes import observer_note_add
from interview.models import InvitedInterview, ObserverNote, Scorecard, ScoreOverride
from interview.reports.overrides import OverrideRequest, score_override
from interview.scoring.services import ScorecardInput, scorecard_save
from tests.fairness.helpers import BIASED, CLEAN, WARNED
from tests.scoring.helpers import panel_world

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("library", "offline_llm")]


@pytest.fixture
def world():
    return panel_world(submitted=("author",))


def _code(call) -> str:
    with pytest.raises(ServiceError) as caught:
        call()
    return caught.value.code


def _review(world, text, **kwargs):
    author = world.users["author"]
    return invitation_review(
        invitation_id=world.invitation.pk, user=author, feedback=text, publish=True, now=timezone.now(), **kwargs
    )


def test_review_feedback_blocked_saves_nothing(world):
    assert _code(lambda: _review(world, BIASED)) == ErrorCode.BIASED_LANGUAGE
    invitation = InvitedInterview.objects.get(pk=world.invitation.pk)
    assert (invitation.interviewer_feedback, invitation.status) == ("", InvitedInterview.COMPLETED)


def test_review_feedback_warning_needs_confirmation(world):
    assert _code(lambda: _review(world, WARNED)) == ErrorCode.CONFIRM_LANGUAGE
    assert _review(world, WARNED, confirm_language=True).interviewer_feedback == WARNED


def test_review_feedback_clean_is_saved(world):
    assert _review(world, CLEAN).interviewer_feedback == CLEAN


def _decide(world, reason, **kwargs):
    return invitation_decide(
        invitation_id=world.invitation.pk, user=world.users["author"], decision="reject", reason=reason,
        acknowledge_strong_no=True, now=timezone.now(), **kwargs,
    )  # fmt: skip


def test_decision_reason_blocked_records_nothing(world):
    assert _code(lambda: _decide(world, "She is pregnant, so no.")) == ErrorCode.BIASED_LANGUAGE
    assert InvitedInterview.objects.get(pk=world.invitation.pk).decision == ""


def test_decision_reason_warning_confirmed_is_recorded(world):
    assert _code(lambda: _decide(world, WARNED)) == ErrorCode.CONFIRM_LANGUAGE
    assert _decide(world, WARNED, confirm_language=True).decision == "reject"


def _score(world, user="member", **data):
    return scorecard_save(chat=world.chat, user=world.users[user], data=ScorecardInput(**data), now=timezone.now())


def test_scorecard_comment_blocked_saves_nothing(world):
    scores = {"clarity": {"score": 2, "comment": "Hard to follow with his accent."}}
    with pytest.raises(ServiceError) as caught:
        _score(world, scores=scores)
    assert (caught.value.code, caught.value.details["field"]) == (ErrorCode.BIASED_LANGUAGE, "comment_clarity")
    assert not Scorecard.objects.filter(chat=world.chat, interviewer=world.users["member"]).exists()


def test_scorecard_notes_warning_needs_confirmation(world):
    assert _code(lambda: _score(world, notes=WARNED)) == ErrorCode.CONFIRM_LANGUAGE
    assert _score(world, notes=WARNED, confirm_language=True).notes == WARNED


def test_scorecard_confirmed_text_is_not_asked_again(world):
    _score(world, notes=WARNED, confirm_language=True)
    assert _score(world, recommendation="yes").recommendation == "yes"


def _override(world, reason, **kwargs):
    wanted = OverrideRequest(score=5, reason=reason, question=1, **kwargs)
    return score_override(chat=world.chat, user=world.users["author"], request=wanted)


def test_override_reason_blocked_writes_no_override(world):
    assert _code(lambda: _override(world, "Marked down: too young to lead.")) == ErrorCode.BIASED_LANGUAGE
    assert not ScoreOverride.objects.exists()


def test_override_reason_warning_confirmed_is_applied(world):
    assert _code(lambda: _override(world, WARNED)) == ErrorCode.CONFIRM_LANGUAGE
    assert _override(world, WARNED, confirm_language=True).reason == WARNED


def test_observer_note_blocked_is_not_stored(world):
    add = lambda: observer_note_add(  # noqa: E731
        chat_id=world.chat.pk, author_id=world.users["author"].pk, text="Wheelchair user, hmm.", now=timezone.now()
    )
    assert _code(add) == ErrorCode.BIASED_LANGUAGE
    assert not ObserverNote.objects.exists()


def test_observer_note_warning_confirmed_is_stored(world):
    kwargs = {"chat_id": world.chat.pk, "author_id": world.users["author"].pk, "text": WARNED, "now": timezone.now()}
    assert _code(lambda: observer_note_add(**kwargs)) == ErrorCode.CONFIRM_LANGUAGE
    assert observer_note_add(**kwargs, confirm_language=True)["text"] == WARNED
