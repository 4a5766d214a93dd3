"""Scorecard writes: drafts merge, submission is final and complete, bad input changes nothing, admins reopen."""

from __future__ import annotations

import pytest

from interview.core.errors import ErrorCode, ServiceError
from interview.models import Chat, Scorecard
from interview.scoring.services import ScorecardInput, scorecard_reopen, scorecard_save
from tests.factories import ChatFactory, InvitationFactory, UserFactory
from tests.hiring.helpers import NOW
from tests.scoring.helpers import full_scores

pytestmark = pytest.mark.django_db


@pytest.fixture
def chat(interviewer):
    chat = ChatFactory(status=Chat.COMPLETED)
    InvitationFactory(interviewer=interviewer, chat=chat, status="completed")
    return chat


def save(chat, user, **fields):
    return scorecard_save(chat=chat, user=user, data=ScorecardInput(**fields), now=NOW)


def refused(chat, user, **fields) -> str:
    with pytest.raises(ServiceError) as caught:
        save(chat, user, **fields)
    return caught.value.code


def test_scorecard_save_keeps_a_partial_draft(chat, interviewer):
    card = save(chat, interviewer, scores={"clarity": {"score": 4, "comment": " Clear "}})
    assert (card.status, card.scores) == ("draft", {"clarity": {"score": 4, "comment": "Clear"}})


def test_scorecard_save_merges_scores_per_criterion(chat, interviewer):
    save(chat, interviewer, scores={"clarity": 4})
    card = save(chat, interviewer, scores={"professionalism": 3}, notes="n")
    assert {k: v["score"] for k, v in card.scores.items()} == {"clarity": 4, "professionalism": 3}


def test_scorecard_save_null_removes_a_score(chat, interviewer):
    save(chat, interviewer, scores={"clarity": 4, "professionalism": 3})
    assert set(save(chat, interviewer, scores={"clarity": None}).scores) == {"professionalism"}


@pytest.mark.parametrize("score", [0, 6, -1, "4", 3.5, True, None])
def test_scorecard_save_refuses_score_out_of_range(chat, interviewer, score):
    entry = {"score": score} if score is None else score
    assert refused(chat, interviewer, scores={"clarity": entry}) == ErrorCode.SCORE_OUT_OF_RANGE


def test_scorecard_save_refuses_unknown_criterion(chat, interviewer):
    assert refused(chat, interviewer, scores={"clarity": 3, "charisma": 5}) == ErrorCode.UNKNOWN_CRITERION


def test_scorecard_save_refused_input_saves_nothing(chat, interviewer):
    save(chat, interviewer, scores={"clarity": 3}, notes="first")
    refused(chat, interviewer, scores={"professionalism": 4, "clarity": 9}, notes="second")
    card = Scorecard.objects.get()
    assert (card.scores, card.notes) == ({"clarity": {"score": 3, "comment": ""}}, "first")


def test_scorecard_save_first_refusal_creates_no_row(chat, interviewer):
    refused(chat, interviewer, scores={"clarity": 0})
    assert not Scorecard.objects.exists()


def test_scorecard_save_follows_the_chats_own_rubric(chat, interviewer):
    chat.rubric = [
        {"key": "sql", "name": "SQL", "description": "", "anchors": {"1": "a", "3": "b", "5": "c"}, "weight": 1}
    ]
    chat.save()
    assert refused(chat, interviewer, scores={"clarity": 3}) == ErrorCode.UNKNOWN_CRITERION
    assert save(chat, interviewer, scores={"sql": 5}, recommendation="yes", submit=True).is_submitted


def test_scorecard_save_refuses_bad_recommendation(chat, interviewer):
    assert refused(chat, interviewer, recommendation="maybe") == ErrorCode.INVALID


def test_scorecard_submit_needs_every_criterion(chat, interviewer):
    code = refused(chat, interviewer, scores={"clarity": 3}, recommendation="yes", submit=True)
    assert (code, Scorecard.objects.exists()) == (ErrorCode.SCORECARD_INCOMPLETE, False)  # nothing half-saved


def test_scorecard_submit_needs_a_recommendation(chat, interviewer):
    assert refused(chat, interviewer, scores=full_scores(), submit=True) == ErrorCode.SCORECARD_INCOMPLETE


def test_scorecard_submit_waits_for_the_interview_to_end(chat, interviewer):
    Chat.objects.filter(pk=chat.pk).update(status=Chat.IN_PROGRESS)
    chat.refresh_from_db()
    code = refused(chat, interviewer, scores=full_scores(), recommendation="no", submit=True)
    assert code == ErrorCode.NOT_COMPLETED


def test_scorecard_submit_records_time(chat, interviewer):
    card = save(chat, interviewer, scores=full_scores(), recommendation="strong_yes", submit=True)
    assert (card.status, card.submitted_at, card.recommendation) == ("submitted", NOW, "strong_yes")


def test_scorecard_second_submission_is_refused(chat, interviewer):
    save(chat, interviewer, scores=full_scores(), recommendation="yes", submit=True)
    assert refused(chat, interviewer, scores=full_scores(2), recommendation="no", submit=True) == "already_submitted"
    assert Scorecard.objects.get().recommendation == "yes"


def test_scorecard_save_refuses_the_candidate(chat):
    assert refused(chat, chat.user, scores={"clarity": 3}) == ErrorCode.NOT_ON_PANEL


def test_scorecard_save_refuses_an_interviewer_off_the_panel(chat):
    assert refused(chat, UserFactory(role="interviewer"), scores={"clarity": 3}) == ErrorCode.NOT_ON_PANEL


def test_scorecard_save_accepts_a_panel_member(chat):
    member = UserFactory(role="interviewer")
    chat.invitation.panel.add(member)
    assert save(chat, member, scores={"clarity": 3}).interviewer == member


def test_scorecard_save_refuses_a_practice_interview(interviewer, admin_user):
    assert refused(ChatFactory(status=Chat.COMPLETED), admin_user, scores={"clarity": 3}) == ErrorCode.NOT_ON_PANEL


def test_scorecard_reopen_makes_a_draft_and_records_who(chat, interviewer, admin_user):
    card = save(chat, interviewer, scores=full_scores(), recommendation="yes", submit=True)
    card = scorecard_reopen(scorecard_id=card.pk, by=admin_user, now=NOW)
    assert (card.status, card.reopened_by, card.reopened_at) == ("draft", admin_user, NOW)
    assert save(chat, interviewer, recommendation="no", submit=True).recommendation == "no"


def test_scorecard_reopen_refuses_a_non_admin(chat, interviewer):
    card = save(chat, interviewer, scores=full_scores(), recommendation="yes", submit=True)
    with pytest.raises(ServiceError) as caught:
        scorecard_reopen(scorecard_id=card.pk, by=interviewer, now=NOW)
    assert (caught.value.code, Scorecard.objects.get().status) == (ErrorCode.FORBIDDEN, "submitted")


def test_scorecard_reopen_refuses_a_draft(chat, interviewer, admin_user):
    card = save(chat, interviewer, scores={"clarity": 3})
    with pytest.raises(ServiceError) as caught:
        scorecard_reopen(scorecard_id=card.pk, by=admin_user, now=NOW)
    assert caught.value.code == ErrorCode.INVALID
