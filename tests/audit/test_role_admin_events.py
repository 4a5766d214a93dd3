"""Role events (requested, decided, changed) and every add, change and delete made in the Django admin."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token

from interview.accounts.roles import role_request_create, role_request_decide_one
from interview.audit.actions import AuditAction
from interview.models import AuditEvent, RoleChangeRequest, Tag, UserProfile
from tests.audit.helpers import audit_inserts_refused, events, only_event, target_of
from tests.factories import RoleChangeRequestFactory, TagFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_role_request_writes_one_event(user):
    request = role_request_create(user=user, requested_role="interviewer", reason="Hiring")
    event = only_event(AuditAction.ROLE_REQUESTED)
    assert (event.actor_id, (event.target_type, event.target_id)) == (user.pk, target_of(request))


def test_role_request_whose_event_fails_is_not_saved(user):
    with audit_inserts_refused(), pytest.raises(DatabaseError):
        role_request_create(user=user, requested_role="interviewer", reason="Hiring")
    assert not RoleChangeRequest.objects.exists()


def test_role_decision_writes_one_decided_and_one_changed_event(admin_user, user):
    pending = RoleChangeRequestFactory(user=user)
    role_request_decide_one(request_id=pending.pk, decision="approved", reviewer=admin_user, now=timezone.now())
    decided = only_event(AuditAction.ROLE_DECIDED)
    assert (decided.actor_id, decided.subject_id, decided.target_id) == (admin_user.pk, user.pk, str(pending.pk))
    assert decided.detail["decision"] == "approved"
    changed = only_event(AuditAction.ROLE_CHANGED, subject=user)
    assert (changed.subject_id, changed.target_id, changed.detail) == (
        user.pk, str(user.profile.pk), {"from": "candidate", "to": "interviewer"},
    )  # fmt: skip


def test_role_decision_whose_event_fails_changes_nothing(admin_user, user):
    pending = RoleChangeRequestFactory(user=user)
    with audit_inserts_refused(), pytest.raises(DatabaseError):
        role_request_decide_one(request_id=pending.pk, decision="approved", reviewer=admin_user, now=timezone.now())
    pending.refresh_from_db()
    assert (pending.status, UserProfile.objects.get(user=user).role) == ("pending", "candidate")


def test_role_decision_page_records_the_admin_as_actor_of_the_role_change(client, admin_user, user):
    pending = RoleChangeRequestFactory(user=user)
    client.force_login(admin_user)
    client.post(reverse("role_request_decision", args=[pending.pk]), {"decision": "approved"})
    assert only_event(AuditAction.ROLE_CHANGED, subject=user).actor_id == admin_user.pk


def test_role_saved_unchanged_writes_no_event(user):
    user.profile.save()
    assert events(AuditAction.ROLE_CHANGED, subject=user) == []


# --- Django admin ------------------------------------------------------------------------------------


def test_admin_add_writes_one_event(admin_client, admin_user):
    admin_client.post(reverse("admin:interview_tag_add"), {"name": "kotlin"})
    tag = Tag.objects.get(name="kotlin")
    event = only_event(AuditAction.ADMIN_ADDED)
    assert (event.actor_id, (event.target_type, event.target_id)) == (admin_user.pk, target_of(tag))


def test_admin_change_writes_one_event_naming_the_fields(admin_client, admin_user):
    tag = TagFactory(name="kotlin")
    admin_client.post(reverse("admin:interview_tag_change", args=[tag.pk]), {"name": "scala"})
    event = only_event(AuditAction.ADMIN_CHANGED)
    assert (event.actor_id, event.target_id, event.detail["changed"]) == (admin_user.pk, str(tag.pk), ["Name"])


def test_admin_role_change_writes_admin_and_role_events(admin_client, admin_user, user):
    url = reverse("admin:interview_userprofile_change", args=[user.profile.pk])
    admin_client.post(url, {"user": user.pk, "role": "interviewer", "auth_provider": "local"})
    assert only_event(AuditAction.ADMIN_CHANGED).target_id == str(user.profile.pk)
    assert only_event(AuditAction.ROLE_CHANGED, subject=user).actor_id == admin_user.pk


def test_admin_delete_writes_one_event(admin_client, admin_user):
    tag = TagFactory(name="kotlin")
    admin_client.post(reverse("admin:interview_tag_delete", args=[tag.pk]), {"post": "yes"})
    assert not Tag.objects.filter(pk=tag.pk).exists()
    event = only_event(AuditAction.ADMIN_DELETED)
    assert (event.actor_id, event.target_id, event.detail["repr"]) == (admin_user.pk, str(tag.pk), "kotlin")


def test_admin_bulk_delete_writes_one_event_per_row(admin_client):
    tags = [TagFactory(name="a"), TagFactory(name="b")]
    data = {"action": "delete_selected", "_selected_action": [t.pk for t in tags], "post": "yes"}
    admin_client.post(reverse("admin:interview_tag_changelist"), data)
    assert sorted(e.target_id for e in events(AuditAction.ADMIN_DELETED)) == sorted(str(t.pk) for t in tags)


def test_admin_change_whose_event_fails_is_not_saved(admin_client):
    tag = TagFactory(name="kotlin")
    with audit_inserts_refused(), pytest.raises(DatabaseError):
        admin_client.post(reverse("admin:interview_tag_change", args=[tag.pk]), {"name": "scala"})
    tag.refresh_from_db()
    assert tag.name == "kotlin"


def test_admin_user_add_writes_one_event(admin_client):
    data = {"username": "hired", "password1": "Quiet-Harbour-1987", "password2": "Quiet-Harbour-1987"}
    data["usable_password"] = "true"
    admin_client.post(reverse("admin:auth_user_add"), data)
    hired = UserFactory._meta.model.objects.get(username="hired")
    assert only_event(AuditAction.ADMIN_ADDED).target_id == str(hired.pk)
    assert AuditEvent.objects.filter(action=AuditAction.ADMIN_ADDED.value).count() == 1


def test_admin_import_writes_one_event_per_row(admin_client, admin_user):
    upload = SimpleUploadedFile("tags.csv", b"id,name\n,kotlin\n,scala\n", "text/csv")
    url = reverse("admin:interview_tag_import")
    preview = admin_client.post(url, {"format": "0", "resource": "0", "import_file": upload})
    fields = r'name="(import_file_name|original_file_name|format|resource)" value="([^"]*)"'
    admin_client.post(reverse("admin:interview_tag_process_import"), dict(re.findall(fields, preview.content.decode())))
    added = events(AuditAction.ADMIN_ADDED)
    assert sorted(e.target_id for e in added) == sorted(str(pk) for pk in Tag.objects.values_list("pk", flat=True))
    assert len(added) == 2 and {e.actor_id for e in added} == {admin_user.pk}


def test_admin_token_add_writes_one_event_without_the_key(admin_client, user):
    admin_client.post(reverse("admin:authtoken_tokenproxy_add"), {"user": user.pk})
    token = Token.objects.get(user=user)
    event = only_event(AuditAction.ADMIN_ADDED)
    assert (event.target_type, event.target_id) == ("authtoken.tokenproxy", str(user.pk))
    assert token.key not in str(event.detail)
