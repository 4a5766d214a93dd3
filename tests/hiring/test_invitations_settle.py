"""The periodic task: expiry of pending invitations and closing of abandoned ones, never expiring a started one."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from interview.hiring import services as inv
from interview.models import Chat, InvitedInterview
from tests.factories import ChatFactory, InvitationFactory
from tests.hiring.helpers import NOW, invitation_with_token, verified_user

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("offline_llm")]


def pending_at(interviewer, *, scheduled=NOW, duration=60):
    return InvitationFactory(interviewer=interviewer, scheduled_time=scheduled, duration_minutes=duration)


def settle(minutes_after: float) -> inv.SettleResult:
    return inv.invitations_settle(now=NOW + timedelta(minutes=minutes_after))


def status_of(invitation) -> str:
    invitation.refresh_from_db()
    return invitation.status


@pytest.fixture
def started(interviewer):
    ada = verified_user("ada")
    _, token = invitation_with_token(interviewer=interviewer, email=ada.email, scheduled_time=NOW, duration=60)
    return inv.invitation_start(token=token, user=ada, now=NOW + timedelta(minutes=50))


def test_settle_keeps_a_pending_invitation_inside_its_window(interviewer):
    invitation = pending_at(interviewer)
    settle(59)
    assert status_of(invitation) == "pending"


def test_settle_expires_a_pending_invitation_at_its_window_end(interviewer):
    invitation = pending_at(interviewer)
    assert (settle(60).expired, status_of(invitation)) == (1, "expired")


def test_settle_expires_a_pending_invitation_after_its_window(interviewer):
    invitation = pending_at(interviewer, duration=15)
    settle(600)
    assert status_of(invitation) == "expired"


def test_settle_keeps_a_future_invitation(interviewer):
    invitation = pending_at(interviewer, scheduled=NOW + timedelta(days=1))
    settle(120)
    assert status_of(invitation) == "pending"


def test_settle_never_expires_a_started_interview_past_its_window(started):
    settle(24 * 60)  # long after the window (and the interview's own end)
    assert status_of(started) != "expired"


def test_settle_never_expires_a_started_interview_still_running(started):
    settle(70)  # the start window closed at 60; the interview runs until 110
    assert (status_of(started), Chat.objects.get(pk=started.chat_id).status) == ("in_progress", "not_started")


def test_settle_completes_an_invitation_whose_chat_completed(started):
    Chat.objects.filter(pk=started.chat_id).update(status=Chat.COMPLETED)
    assert (settle(80).completed, status_of(started)) == (1, "completed")


def test_settle_closes_a_never_started_chat_after_its_end(started):
    result = settle(110 + 5)
    assert (result.closed, status_of(started), Chat.objects.get(pk=started.chat_id).status) == (
        1,
        "completed",
        "completed",
    )


def test_settle_closes_a_running_chat_well_after_its_end(started):
    Chat.objects.filter(pk=started.chat_id).update(status=Chat.IN_PROGRESS, started_at=NOW + timedelta(minutes=51))
    settle(110 + 5)
    assert status_of(started) == "completed"


def test_settle_leaves_a_running_chat_to_the_live_watcher_at_first(started):
    Chat.objects.filter(pk=started.chat_id).update(status=Chat.IN_PROGRESS)
    settle(110.2)  # past the end, inside the margin the live deadline watcher settles first
    assert status_of(started) == "in_progress"


def test_settle_waits_for_a_reply_still_being_written(started):
    streaming = {"id": "m-1", "role": "assistant", "content": "Thanks", "status": "streaming"}
    Chat.objects.filter(pk=started.chat_id).update(status=Chat.IN_PROGRESS, messages=[streaming])
    settle(110 + 2)
    assert status_of(started) == "in_progress"


def _dead_reply(started, *, lease_minutes_after: float) -> None:
    """A reply left streaming by a process that died: its lease ran out at NOW + lease_minutes_after."""
    streaming = {"id": "m-1", "role": "assistant", "content": "Thanks", "status": "streaming"}
    Chat.objects.filter(pk=started.chat_id).update(
        status=Chat.IN_PROGRESS,
        messages=[streaming],
        generation_lease_until=NOW + timedelta(minutes=lease_minutes_after),
        generation_lease_owner="dead-process",
    )


def test_settle_fails_a_dead_reply_and_gives_its_time_back(started, settings):
    _dead_reply(started, lease_minutes_after=105)
    ends_at = Chat.objects.get(pk=started.chat_id).ends_at
    settle(112)
    chat = Chat.objects.get(pk=started.chat_id)
    lost = timedelta(minutes=112 - 105) + timedelta(seconds=settings.GENERATION_LEASE_SECONDS)
    assert (chat.messages[-1]["status"], chat.ends_at - ends_at) == ("error", lost)


def test_settle_closes_a_dead_reply_chat_once_the_time_given_back_has_passed(started):
    _dead_reply(started, lease_minutes_after=105)
    settle(112)
    assert status_of(started) == "in_progress"
    settle(125)
    assert status_of(started) == "completed"


def test_settle_completes_an_invitation_whose_chat_was_deleted(started):
    Chat.objects.filter(pk=started.chat_id).delete()
    settle(5)
    assert status_of(started) == "completed"


def test_settle_leaves_reviewed_invitations_alone(interviewer):
    invitation = InvitationFactory(interviewer=interviewer, scheduled_time=NOW, status="reviewed", chat=ChatFactory())
    settle(600)
    assert status_of(invitation) == "reviewed"


def test_settle_command_reports_what_it_did(interviewer):
    pending_at(interviewer, scheduled=NOW - timedelta(days=4000))
    out = StringIO()
    call_command("invitations_settle", stdout=out)
    assert out.getvalue().strip() == "1 expired, 0 interview(s) closed, 0 completed, 0 scorecard reminder(s) sent."


def test_settle_command_refuses_a_negative_loop():
    with pytest.raises(CommandError):
        call_command("invitations_settle", "--loop", "-1")


def test_settle_command_loops_until_stopped(interviewer, monkeypatch):
    import threading

    passes = []

    def fake_settle(*, now):
        passes.append(now)
        if len(passes) == 3:
            raise KeyboardInterrupt  # stands in for SIGTERM after three passes
        return inv.SettleResult()

    monkeypatch.setattr("interview.management.commands.invitations_settle.invitations_settle", fake_settle)
    monkeypatch.setattr(threading.Event, "wait", lambda self, timeout=None: False)
    with pytest.raises(KeyboardInterrupt):
        call_command("invitations_settle", "--loop", "0.01", stdout=StringIO())
    assert len(passes) == 3


def test_settle_result_counts_are_zero_when_nothing_is_due():
    assert settle(0) == inv.SettleResult()


def test_settle_never_touches_invitations_in_progress_without_window_data(interviewer):
    invitation = InvitationFactory(
        interviewer=interviewer, scheduled_time=NOW - timedelta(days=2), status=InvitedInterview.IN_PROGRESS
    )
    invitation.chat = ChatFactory(status=Chat.IN_PROGRESS)
    invitation.save()
    settle(0)
    assert status_of(invitation) == "in_progress"
