"""Retention (DATA_RETENTION_DAYS) through the settle loop, with a controlled clock: the warning 14 days before
(once), the purge at the limit and not a day before, files gone after commit, invited interviews kept."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from interview.hiring.services import invitations_settle
from interview.models import Chat, UploadedJobListing, UploadedResume
from tests.factories import ChatFactory, InvitationFactory, JobListingFactory, ResumeFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

DAYS = 365


@pytest.fixture(autouse=True)
def _retention(settings):
    settings.DATA_RETENTION_DAYS = DAYS


@pytest.fixture
def idle():
    """An account last active at T0 (login, sign-up, its chat and documents), with practice data and an invited
    interview; returns (user, T0)."""
    t0 = timezone.now()
    user = UserFactory(username="idle", last_login=t0)
    practice = ChatFactory(user=user)
    invited = ChatFactory(user=user)
    InvitationFactory(candidate_email=user.email, chat=invited)
    ResumeFactory(user=user)
    JobListingFactory(user=user)
    UploadedResume.objects.filter(user=user).update(uploaded_at=t0)
    UploadedJobListing.objects.filter(user=user).update(created_at=t0)
    Chat.objects.filter(pk__in=[practice.pk, invited.pk]).update(updated_at=t0)
    type(user).objects.filter(pk=user.pk).update(date_joined=t0 - timedelta(days=1))
    return user, t0


def settle(at):
    return invitations_settle(now=at)


def test_warned_14_days_before_once_then_purged_at_the_limit(idle):
    user, t0 = idle
    stored = UploadedResume.objects.get(user=user).file
    storage, name = stored.storage, stored.name
    assert settle(t0 + timedelta(days=DAYS - 15)).retention_warned == 0
    assert mail.outbox == []
    assert settle(t0 + timedelta(days=DAYS - 14)).retention_warned == 1
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [user.email]
    user.profile.refresh_from_db()
    assert user.profile.retention_warned_at == t0 + timedelta(days=DAYS - 14)
    assert settle(t0 + timedelta(days=DAYS - 7)).retention_warned == 0  # sent once
    day_before = settle(t0 + timedelta(days=DAYS - 1))
    assert (day_before.retention_purged, len(mail.outbox)) == (0, 1)
    assert Chat.objects.filter(user=user).count() == 2 and storage.exists(name)
    at_limit = settle(t0 + timedelta(days=DAYS))
    assert at_limit.retention_purged == 1
    assert [chat.invitation is not None for chat in Chat.objects.filter(user=user)] == [True]  # invited: kept
    assert not UploadedResume.objects.filter(user=user).exists()
    assert not UploadedJobListing.objects.filter(user=user).exists()
    assert not storage.exists(name)
    assert len(mail.outbox) == 1


def test_activity_after_the_warning_cancels_the_purge(idle):
    user, t0 = idle
    settle(t0 + timedelta(days=DAYS - 14))
    type(user).objects.filter(pk=user.pk).update(last_login=t0 + timedelta(days=DAYS - 2))
    assert settle(t0 + timedelta(days=DAYS)).retention_purged == 0
    assert UploadedResume.objects.filter(user=user).exists()


def test_already_past_the_limit_is_warned_first_and_purged_14_days_later(idle):
    _user, t0 = idle
    late = t0 + timedelta(days=DAYS + 100)
    result = settle(late)
    assert (result.retention_warned, result.retention_purged) == (1, 0)
    assert settle(late + timedelta(days=13)).retention_purged == 0
    assert settle(late + timedelta(days=14)).retention_purged == 1


def test_zero_keeps_everything(idle, settings):
    settings.DATA_RETENTION_DAYS = 0
    _user, t0 = idle
    result = settle(t0 + timedelta(days=10 * DAYS))
    assert (result.retention_warned, result.retention_purged, mail.outbox) == (0, 0, [])
