"""Erasing an account: nothing of the user left anywhere, what stays anonymised, refusals change nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.storage import FileSystemStorage, default_storage
from django.db import DatabaseError, connection
from django.db.models import Sum
from django.urls import reverse

from interview.audit.actions import AuditAction
from interview.models import AuditEvent, Chat, DataExport, InvitedInterview, PendingFileDeletion, Scorecard, TokenUsage
from interview.privacy.erasure import account_erase, erased_ref, pending_deletions_retry
from interview.privacy.services import export_request
from tests.privacy.helpers import MARKER, PASSWORD, leftovers, rich_user

pytestmark = pytest.mark.django_db(transaction=True)


# A database trigger refusing to delete any user: the erasure's last step fails for real.
REFUSE_USER_DELETE = {
    "sqlite": (
        [
            "CREATE TRIGGER test_refuse_user_delete BEFORE DELETE ON auth_user "
            "BEGIN SELECT RAISE(ABORT, 'refused by the test'); END"
        ],
        ["DROP TRIGGER test_refuse_user_delete"],
    ),
    "postgresql": (
        [
            "CREATE FUNCTION test_refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            "RAISE EXCEPTION 'refused by the test'; END $$",
            "CREATE TRIGGER test_refuse_user_delete BEFORE DELETE ON auth_user "
            "FOR EACH ROW EXECUTE FUNCTION test_refuse()",
        ],
        ["DROP TRIGGER test_refuse_user_delete ON auth_user", "DROP FUNCTION test_refuse()"],
    ),
}


def _needles(user) -> list[str]:
    return [user.username, user.email, MARKER, "kowalska"]


def test_erasure_leaves_nothing_of_the_user(client, mailoutbox, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    world = rich_user()
    user = world["user"]
    export_request(user=user)  # a ready export ZIP, not downloaded: it must go too
    assert DataExport.objects.get(user=user).status == DataExport.READY
    mailoutbox.clear()
    Scorecard.objects.create(chat=world["invited_chat"], interviewer=world["interviewer"], scores={})
    totals = TokenUsage.objects.aggregate(total=Sum("total_tokens"))
    assert leftovers(user_id=user.pk, needles=_needles(user))  # the scan finds the planted data before
    client.force_login(user)
    response = client.post(reverse("privacy_account_delete"), {"password": PASSWORD})
    assert response.status_code == 200
    left = leftovers(user_id=user.pk, needles=_needles(user))
    assert left == [], "\n".join(left)
    assert TokenUsage.objects.aggregate(total=Sum("total_tokens")) == totals
    assert TokenUsage.objects.count() == 2
    invitation = InvitedInterview.objects.get(pk=world["invitation"].pk)
    assert invitation.candidate_id is None and invitation.candidate_email == f"erased-{invitation.pk}@invalid"
    kept = Chat.objects.get(pk=world["invited_chat"].pk)
    assert kept.messages == [] and kept.completed_at == world["invited_chat"].completed_at
    assert kept.exportablereport.overall_score == 70
    assert Scorecard.objects.filter(chat=kept).count() == 1
    assert not Chat.objects.filter(pk=world["practice"].pk).exists()
    event = AuditEvent.objects.get(action=AuditAction.ACCOUNT_ERASED)
    assert event.target_id == erased_ref(user.pk) and event.actor_id is None and event.subject_id is None
    assert [message.to for message in mailoutbox] == [[world["interviewer"].email]]


def test_api_delete_with_the_password(client):
    from rest_framework.test import APIClient

    user = rich_user()["user"]
    api = APIClient()
    api.force_authenticate(user)
    response = api.delete("/api/me/", {"password": PASSWORD}, format="json")
    assert response.status_code == 204
    assert not get_user_model().objects.filter(pk=user.pk).exists()


def _snapshot() -> dict[str, int]:
    from django.apps import apps

    return {model._meta.label: model._base_manager.count() for model in apps.get_models()}


def test_wrong_password_refused_and_nothing_changed(client):
    user = rich_user()["user"]
    client.force_login(user)
    before = _snapshot()
    files = sorted(Path(settings.MEDIA_ROOT).rglob("*"))
    response = client.post(reverse("privacy_account_delete"), {"password": "wrong"})
    assert response.status_code == 400
    assert b"not your current password" in response.content
    assert _snapshot() == before and sorted(Path(settings.MEDIA_ROOT).rglob("*")) == files
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(user)
    response = api.delete("/api/me/", {"password": "nope"}, format="json")
    assert response.status_code == 400 and response.json()["code"] == "wrong_password"
    assert _snapshot() == before


def test_without_a_password_a_fresh_login_is_required(client):
    from django.utils import timezone

    user = rich_user()["user"]
    user.set_unusable_password()
    user.last_login = timezone.now() - timezone.timedelta(minutes=11)
    user.save()
    client.force_login(user)  # force_login stamps last_login through the signal: set it back
    type(user).objects.filter(pk=user.pk).update(last_login=timezone.now() - timezone.timedelta(minutes=11))
    response = client.post(reverse("privacy_account_delete"), {})
    assert response.status_code == 400 and b"Sign in again" in response.content
    type(user).objects.filter(pk=user.pk).update(last_login=timezone.now())
    response = client.post(reverse("privacy_account_delete"), {})
    assert response.status_code == 200
    assert not type(user).objects.filter(pk=user.pk).exists()


def test_erasure_is_atomic():
    """The database refuses the last step (deleting the user row): everything done before it rolls back."""
    world = rich_user()
    user = world["user"]
    before = _snapshot()
    files = sorted(Path(settings.MEDIA_ROOT).rglob("*"))
    create, drop = REFUSE_USER_DELETE[connection.vendor]
    with connection.cursor() as cursor:
        for statement in create:
            cursor.execute(statement)
    try:
        with pytest.raises(DatabaseError):
            account_erase(user=user)
    finally:
        with connection.cursor() as cursor:
            for statement in drop:
                cursor.execute(statement)
    assert _snapshot() == before
    assert sorted(Path(settings.MEDIA_ROOT).rglob("*")) == files
    assert Chat.objects.get(pk=world["invited_chat"].pk).messages
    assert InvitedInterview.objects.get(pk=world["invitation"].pk).candidate_id == user.pk
    assert AuditEvent.objects.filter(actor_label=user.username).exists()
    assert not AuditEvent.objects.filter(action=AuditAction.ACCOUNT_ERASED).exists()


def test_a_failed_file_delete_is_retried(monkeypatch):
    user = rich_user()["user"]

    def refuse(self, name):
        raise OSError("busy")

    monkeypatch.setattr(FileSystemStorage, "delete", refuse)
    account_erase(user=user)
    pending = list(PendingFileDeletion.objects.values_list("name", flat=True))
    assert pending and all(default_storage.exists(name) for name in pending)
    assert pending_deletions_retry() == 0
    assert PendingFileDeletion.objects.get(name=pending[0]).attempts == 1
    monkeypatch.undo()
    assert pending_deletions_retry() == len(pending)
    assert not PendingFileDeletion.objects.exists()
    assert not any(default_storage.exists(name) for name in pending)
