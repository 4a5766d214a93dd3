"""The User admin's actions: export a user's data and erase accounts (confirmed first), both audited."""

from __future__ import annotations

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth import get_user_model
from django.urls import reverse

from interview.audit.actions import AuditAction
from interview.models import AuditEvent, DataExport
from tests.factories import UserFactory
from tests.privacy.helpers import MARKER, leftovers, rich_user

pytestmark = pytest.mark.django_db(transaction=True)
CHANGELIST = "admin:auth_user_changelist"


@pytest.fixture
def admin_client(client):
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(root)
    client.root = root
    return client


def test_admin_erases_after_confirming(admin_client):
    world = rich_user()
    user = world["user"]
    admin_client.post(  # the admin edits the account first: its history names it
        reverse("admin:auth_user_change", args=[user.pk]),
        {"username": user.username, "email": user.email, "first_name": "Marta", "last_name": "Kowalska",
         "is_active": "on", "date_joined_0": "2026-01-01", "date_joined_1": "10:00:00",
         "profile-TOTAL_FORMS": "0", "profile-INITIAL_FORMS": "0"},
    )  # fmt: skip
    data = {"action": "erase_accounts", ACTION_CHECKBOX_NAME: [user.pk]}
    confirm = admin_client.post(reverse(CHANGELIST), data)
    assert confirm.status_code == 200 and b"Yes, erase" in confirm.content
    assert get_user_model().objects.filter(pk=user.pk).exists()
    done = admin_client.post(reverse(CHANGELIST), {**data, "confirm_erase": "yes"})
    assert done.status_code == 302
    assert not get_user_model().objects.filter(pk=user.pk).exists()
    left = leftovers(user_id=user.pk, needles=[user.username, user.email, MARKER, "kowalska"])
    assert left == [], "\n".join(left)
    event = AuditEvent.objects.get(action=AuditAction.ACCOUNT_ERASED)
    assert event.actor_id == admin_client.root.pk and event.detail["by"] == "admin"


def test_admin_cannot_erase_themself(admin_client):
    data = {"action": "erase_accounts", ACTION_CHECKBOX_NAME: [admin_client.root.pk], "confirm_erase": "yes"}
    admin_client.post(reverse(CHANGELIST), data)
    assert get_user_model().objects.filter(pk=admin_client.root.pk).exists()


def test_admin_exports_for_a_user(admin_client, settings, mailoutbox):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    user = rich_user()["user"]
    admin_client.post(reverse(CHANGELIST), {"action": "export_data", ACTION_CHECKBOX_NAME: [user.pk]})
    assert DataExport.objects.get(user=user).status == DataExport.READY
    assert mailoutbox[-1].to == [user.email]
    requested = AuditEvent.objects.get(action=AuditAction.DATA_EXPORTED, detail__step="requested")
    assert (requested.actor_id, requested.subject_id) == (admin_client.root.pk, user.pk)
