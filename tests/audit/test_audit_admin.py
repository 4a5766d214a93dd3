"""The audit log's admin: read-only for admins and superusers; nobody can add, change or delete an event."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from interview.admin.resources import AuditEventResource
from interview.audit.actions import AuditAction
from interview.audit.services import audit_record
from interview.models import AuditEvent
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:interview_auditevent_changelist")


@pytest.fixture
def event(user):
    return audit_record(actor=user, action=AuditAction.LOGIN, target=user)


def change_url(event: AuditEvent) -> str:
    return reverse("admin:interview_auditevent_change", args=[event.pk])


def test_superuser_change_form_is_read_only(admin_client, event):
    body = admin_client.get(change_url(event)).content.decode()
    assert 'name="_save"' not in body and 'name="action"' not in body
    assert event.actor_label in body


def test_superuser_change_post_is_refused(admin_client, event):
    response = admin_client.post(change_url(event), {"action": "auth.logout", "actor_label": "forged"})
    assert response.status_code == 403
    assert AuditEvent.objects.get(pk=event.pk).action == "auth.login"


def test_superuser_delete_is_refused(admin_client, event):
    url = reverse("admin:interview_auditevent_delete", args=[event.pk])
    assert admin_client.post(url, {"post": "yes"}).status_code == 403
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_superuser_add_is_refused(admin_client):
    assert admin_client.get(reverse("admin:interview_auditevent_add")).status_code == 403


def test_bulk_delete_action_is_absent(admin_client, event):
    body = admin_client.get(CHANGELIST).content.decode()
    assert "delete_selected" not in body


def test_bulk_delete_posted_anyway_deletes_nothing(admin_client, event):
    data = {"action": "delete_selected", "_selected_action": [event.pk], "post": "yes"}
    admin_client.post(CHANGELIST, data)
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_admin_role_staff_may_read_the_log(client, event):
    staff_admin = UserFactory(username="ops", is_staff=True, role="admin")
    client.force_login(staff_admin)
    assert client.get(CHANGELIST).status_code == 200
    assert client.get(change_url(event)).status_code == 200


def test_other_staff_may_not_read_the_log_even_with_the_view_permission(client, event):
    staff = UserFactory(username="helper", is_staff=True, role="interviewer")
    staff.user_permissions.add(Permission.objects.get(codename="view_auditevent"))
    client.force_login(staff)
    assert client.get(CHANGELIST).status_code == 403


def test_changelist_filters_by_action(admin_client, event, user):
    audit_record(actor=user, action=AuditAction.LOGOUT, target=user)
    body = admin_client.get(CHANGELIST + "?action=auth.logout").content.decode()
    assert "Logged out" in body and "1 audit event" in body


def test_changelist_searches_the_actor(admin_client, event):
    assert "1 audit event" in admin_client.get(CHANGELIST + "?q=candidate").content.decode()


def test_export_csv_lists_the_events(admin_client, event):
    columns = {f"auditeventresource_{name}": "on" for name in AuditEventResource().get_export_order()}
    response = admin_client.post(
        reverse("admin:interview_auditevent_export"), {"format": "0", "resource": "0", **columns}
    )
    assert response["Content-Type"].startswith("text/csv")
    assert "auth.login" in response.content.decode()
