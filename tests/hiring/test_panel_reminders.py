"""Scorecard reminders from the settle pass: when the interview ends, then daily, at most 3, only the missing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail

from interview.hiring.services import invitations_settle
from interview.models import Chat, InvitedInterview
from tests.factories import ChatFactory, InvitationFactory, UserFactory
from tests.hiring.helpers import NOW
from tests.scoring.helpers import scorecard_submitted

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _locmem(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def member():
    return UserFactory(username="member", role="interviewer", email="member@example.com")


@pytest.fixture
def ended(interviewer, member):
    chat = ChatFactory(status=Chat.COMPLETED)
    invitation = InvitationFactory(interviewer=interviewer, chat=chat, status="completed", completed_at=NOW)
    invitation.panel.add(member)
    return invitation


def settle(at):
    mail.outbox.clear()
    invitations_settle(now=at)
    return sorted(to for message in mail.outbox for to in message.to)


def test_reminders_go_to_the_whole_panel_when_the_interview_ends(ended, interviewer):
    assert settle(NOW) == sorted([interviewer.email, "member@example.com"])


def test_reminders_link_to_the_scorecard_page(ended):
    settle(NOW)
    assert f"/interviews/{ended.chat_id}/scorecards/" in mail.outbox[0].body


def test_reminders_not_again_within_a_day(ended):
    settle(NOW)
    assert settle(NOW + timedelta(hours=23)) == []


def test_reminders_again_after_a_day(ended, interviewer):
    settle(NOW)
    assert settle(NOW + timedelta(days=1)) == sorted([interviewer.email, "member@example.com"])


def test_reminders_at_most_three(ended):
    sent = [len(settle(NOW + timedelta(days=day))) for day in range(5)]
    assert sent == [2, 2, 2, 0, 0]
    assert {v["count"] for v in InvitedInterview.objects.get(pk=ended.pk).panel_reminders.values()} == {3}


def test_reminders_skip_who_submitted(ended, interviewer, member):
    scorecard_submitted(ended.chat, member)
    assert settle(NOW) == [interviewer.email]


def test_reminders_stop_once_decided(ended):
    settle(NOW)
    InvitedInterview.objects.filter(pk=ended.pk).update(decision="advance")
    assert settle(NOW + timedelta(days=1)) == []


def test_reminders_not_for_running_interviews(interviewer):
    InvitationFactory(interviewer=interviewer, chat=ChatFactory(status=Chat.IN_PROGRESS), status="in_progress")
    assert settle(NOW) == []


def test_reminders_recorded_on_the_invitation(ended, member):
    settle(NOW)
    record = InvitedInterview.objects.get(pk=ended.pk).panel_reminders
    assert record[str(member.pk)] == {"count": 1, "last_at": NOW.isoformat()}


def test_reminders_counted_in_the_settle_result(ended):
    assert invitations_settle(now=NOW).reminded == 2


def test_reminders_skip_a_member_who_lost_the_role(ended, interviewer, member):
    member.profile.role = "candidate"
    member.profile.save()
    assert settle(NOW) == [interviewer.email]
