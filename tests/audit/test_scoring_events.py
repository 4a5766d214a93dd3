"""Scoring events: an override of an AI score, a scorecard submitted or reopened, the panel changed, the decision."""

from __future__ import annotations

import pytest
from django.db import DatabaseError
from django.utils import timezone

from interview.audit.actions import AuditAction
from interview.hiring.panel import invitation_decide, panel_set
from interview.models import InvitedInterview, Scorecard, ScoreOverride
from interview.reports.overrides import OverrideRequest, score_override
from interview.scoring.services import ScorecardInput, scorecard_reopen, scorecard_save
from tests.audit.helpers import audit_inserts_refused, events, only_event, target_of
from tests.factories import UserFactory
from tests.scoring.helpers import full_scores, panel_world

pytestmark = pytest.mark.django_db


def override(world, user):
    wanted = OverrideRequest(score=40, reason="Rambled.", criterion="clarity", question=None)
    return score_override(chat=world.chat, user=user, request=wanted)


def test_score_override_writes_one_event_by_the_overrider_on_the_report():
    world = panel_world(submitted=("author",))
    override(world, world.users["author"])
    event = only_event(AuditAction.SCORE_OVERRIDDEN)
    assert (event.actor_id, (event.target_type, event.target_id)) == (world.users["author"].pk, target_of(world.report))
    assert event.detail == {"target": "clarity", "ai_score": 91, "score": 40, "version": 2}


def test_score_override_whose_event_fails_changes_nothing():
    world = panel_world(submitted=("author",))
    with audit_inserts_refused(), pytest.raises(DatabaseError):
        override(world, world.users["author"])
    world.report.refresh_from_db()
    assert not ScoreOverride.objects.exists() and world.report.version == 1


def submit(world, name):
    data = ScorecardInput(scores=full_scores(3), recommendation="yes", notes="", submit=True)
    return scorecard_save(chat=world.chat, user=world.users[name], data=data, now=timezone.now())


def test_scorecard_submission_writes_one_event_on_the_scorecard():
    world = panel_world()
    card = submit(world, "member")
    event = only_event(AuditAction.SCORECARD_SUBMITTED)
    assert (event.actor_id, (event.target_type, event.target_id)) == (world.users["member"].pk, target_of(card))


def test_scorecard_draft_writes_no_event():
    world = panel_world()
    data = ScorecardInput(scores=full_scores(3), recommendation=None, notes=None, submit=False)
    scorecard_save(chat=world.chat, user=world.users["member"], data=data, now=timezone.now())
    assert events(AuditAction.SCORECARD_SUBMITTED) == []


def test_scorecard_submission_whose_event_fails_stays_unsaved():
    world = panel_world()
    with audit_inserts_refused(), pytest.raises(DatabaseError):
        submit(world, "member")
    assert not Scorecard.objects.filter(interviewer=world.users["member"]).exists()


def test_scorecard_reopen_writes_one_event_by_the_admin():
    world = panel_world()
    card = submit(world, "member")
    scorecard_reopen(scorecard_id=card.pk, by=world.users["admin"], now=timezone.now())
    event = only_event(AuditAction.SCORECARD_REOPENED)
    assert (event.actor_id, event.target_id) == (world.users["admin"].pk, str(card.pk))


def test_scorecard_reopen_whose_event_fails_stays_submitted():
    world = panel_world()
    card = submit(world, "member")
    with audit_inserts_refused(), pytest.raises(DatabaseError):
        scorecard_reopen(scorecard_id=card.pk, by=world.users["admin"], now=timezone.now())
    card.refresh_from_db()
    assert card.is_submitted


def test_panel_change_writes_one_event_naming_the_members():
    world = panel_world()
    newcomer = UserFactory(role="interviewer")
    panel_set(invitation_id=world.invitation.pk, user=world.users["author"], panel=[newcomer.pk])
    event = only_event(AuditAction.PANEL_CHANGED)
    assert (event.actor_id, event.target_id) == (world.users["author"].pk, str(world.invitation.pk))
    assert event.detail == {"panel": [newcomer.pk]}


def decide(world):
    return invitation_decide(
        invitation_id=world.invitation.pk, user=world.users["author"], decision="hold",
        reason="The strong no on clarity needs a second interview.", acknowledge_strong_no=True, now=timezone.now(),
    )  # fmt: skip


def test_decision_writes_one_event_on_the_invitation():
    world = panel_world()
    decide(world)
    event = only_event(AuditAction.DECISION_RECORDED)
    assert (event.actor_id, event.target_id) == (world.users["author"].pk, str(world.invitation.pk))
    assert event.detail == {"decision": "hold", "strong_no_acknowledged": True}


def test_decision_whose_event_fails_is_not_recorded():
    world = panel_world()
    with audit_inserts_refused(), pytest.raises(DatabaseError):
        decide(world)
    assert InvitedInterview.objects.get(pk=world.invitation.pk).decision == ""
