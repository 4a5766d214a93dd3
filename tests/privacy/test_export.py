"""Exports: the ZIP checked against the database row by row; the link's rules; one export a day."""

from __future__ import annotations

import io
import json
import re
import zipfile
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from interview.audit.actions import AuditAction
from interview.models import (
    AuditEvent,
    Chat,
    DataExport,
    InvitedInterview,
    RoleChangeRequest,
    TokenUsage,
    UploadedJobListing,
    UploadedResume,
)
from interview.privacy.services import export_download, exports_purge
from tests.factories import UserFactory
from tests.privacy.helpers import MARKER, rich_user

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def _request(user) -> tuple[DataExport, str]:
    api = APIClient()
    api.force_authenticate(user)
    response = api.post("/api/me/export/")
    assert response.status_code == 202, response.content
    export = DataExport.objects.get(pk=response.json()["id"])
    assert export.status == DataExport.READY
    link = re.search(r"https?://\S+", mail.outbox[-1].body).group(0)
    return export, link.split("/download/")[1].rstrip("/")


def _get(client, token):
    return client.get(reverse("privacy_export_download", args=[token]))


def _ids(rows) -> list[int]:
    return [row["id"] for row in rows]


def test_the_archive_holds_every_row_and_file(client):
    world = rich_user()
    user = world["user"]
    _export, token = _request(user)
    assert mail.outbox[-1].to == [user.email]
    client.force_login(user)
    response = _get(client, token)
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    data = json.loads(archive.read("data.json"))
    assert "data.json" in archive.read("README.md").decode()
    assert data["user"]["email"] == user.email and data["profile"]["role"] == user.profile.role
    assert _ids(data["resumes"]) == list(
        UploadedResume.objects.filter(user=user).order_by("pk").values_list("pk", flat=True)
    )
    resume = UploadedResume.objects.get(user=user)
    assert data["resumes"][0]["text_content"] == resume.text_content
    assert archive.read(f"files/{resume.file.name}") == resume.file.open("rb").read()
    assert _ids(data["job_listings"]) == list(UploadedJobListing.objects.filter(user=user).values_list("pk", flat=True))
    chats = Chat.objects.filter(user=user).order_by("pk")
    assert _ids(data["chats"]) == [chat.pk for chat in chats]
    for row, chat in zip(data["chats"], chats, strict=True):
        assert row["messages"] == chat.messages and row["key_questions"] == chat.key_questions
        assert row["report"]["overall_score"] == chat.exportablereport.overall_score
        if chat.exportablereport.pdf_file:
            assert archive.read(f"files/{chat.exportablereport.pdf_file.name}").startswith(b"%PDF")
    practice = next(row for row in data["chats"] if row["id"] == world["practice"].pk)
    assert [version["feedback_text"] for version in practice["report"]["versions"]] == [f"old {MARKER}"]
    assert _ids(data["invitations"]) == list(
        InvitedInterview.objects.filter(candidate=user).values_list("pk", flat=True)
    )
    assert "token_hash" not in data["invitations"][0] and "interviewer_feedback" not in data["invitations"][0]
    assert _ids(data["role_requests"]) == list(RoleChangeRequest.objects.filter(user=user).values_list("pk", flat=True))
    usage = TokenUsage.objects.filter(user=user).order_by("pk")
    assert [(r["id"], r["total_tokens"]) for r in data["token_usage"]] == [(u.pk, u.total_tokens) for u in usage]
    events = AuditEvent.objects.filter(subject_id=user.pk, pk__lt=max(_ids(data["audit_events"])) + 1)
    assert sorted(_ids(data["audit_events"])) == sorted(events.values_list("pk", flat=True))
    assert data["missing_files"] == []
    steps = list(AuditEvent.objects.filter(action=AuditAction.DATA_EXPORTED).values_list("detail__step", flat=True))
    assert sorted(steps) == ["built", "downloaded"]


def test_the_link_works_once(client):
    user = rich_user()["user"]
    export, token = _request(user)
    client.force_login(user)
    assert _get(client, token).status_code == 200
    again = _get(client, token)
    assert again.status_code == 410 and b"already downloaded" in again.content
    export.refresh_from_db()
    assert export.status == DataExport.DOWNLOADED and not export.file


def test_the_link_refused_for_another_user_and_tampered(client):
    user = rich_user()["user"]
    _export, token = _request(user)
    client.force_login(UserFactory(username="mallory"))
    assert _get(client, token).status_code == 404
    client.force_login(user)
    assert _get(client, token[:-2] + ("AA" if not token.endswith("AA") else "BB")).status_code == 404
    assert _get(client, token).status_code == 200  # still unused after the refusals
    client.logout()
    assert _get(client, token).status_code == 302  # the login page first


def test_the_link_expires_after_24_hours_and_the_file_goes(client):
    user = rich_user()["user"]
    export, token = _request(user)
    name = export.file.name
    with pytest.raises(Exception) as refused:
        export_download(user=user, token=token, now=timezone.now() + timedelta(hours=24, seconds=1))
    assert refused.value.code == "expired_link"
    assert exports_purge(now=timezone.now() + timedelta(hours=23)) == 0
    assert exports_purge(now=timezone.now() + timedelta(hours=24, seconds=1)) == 1
    export.refresh_from_db()
    assert export.status == DataExport.EXPIRED and not export.file
    assert not export.file.storage.exists(name)
    client.force_login(user)
    assert _get(client, token).status_code == 410


def test_one_export_a_day(client):
    user = rich_user()["user"]
    _request(user)
    api = APIClient()
    api.force_authenticate(user)
    response = api.post("/api/me/export/")
    assert response.status_code == 429 and response.json()["code"] == "export_rate_limited"
    assert 0 < int(response["Retry-After"]) <= 86400
    assert DataExport.objects.filter(user=user).count() == 1
    assert api.get("/api/me/export/").json()["status"] == DataExport.READY
    client.force_login(user)
    page = client.post(reverse("privacy_account_data"))
    assert page.status_code == 429 and b"one export of your data a day" in page.content
    DataExport.objects.filter(user=user).update(created_at=timezone.now() - timedelta(days=1, seconds=1))
    assert api.post("/api/me/export/").status_code == 202


def test_a_failed_export_does_not_count_against_the_day(settings, tmp_path):
    user = UserFactory(username="una")
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("storage cannot write under a file")
    media = settings.MEDIA_ROOT
    settings.MEDIA_ROOT = blocked  # the archive cannot be stored: a real storage failure
    api = APIClient()
    api.force_authenticate(user)
    first = api.post("/api/me/export/")
    assert first.status_code == 202
    assert DataExport.objects.get(pk=first.json()["id"]).status == DataExport.FAILED
    assert api.get("/api/me/export/").json()["error"]
    assert not mail.outbox
    settings.MEDIA_ROOT = media
    assert api.post("/api/me/export/").status_code == 202
    assert DataExport.objects.filter(user=user).latest("created_at").status == DataExport.READY


def test_reports_follow_the_candidate_copy_rules(client):
    world = rich_user()
    user = world["user"]
    report = world["invited_chat"].exportablereport
    report.question_responses = [
        {"question": "Why us?", "score": 5, "override": {"ai_score": 7, "by": "hiring-lead", "reason": "Vague"}}
    ]
    report.save()
    _export, token = _request(user)
    client.force_login(user)
    archive = zipfile.ZipFile(io.BytesIO(_get(client, token).content))
    text = archive.read("data.json").decode()
    data = json.loads(text)
    invited = next(row for row in data["chats"] if row["id"] == world["invited_chat"].pk)
    assert invited["report"]["question_responses"] == [{"question": "Why us?", "score": None, "under_review": True}]
    assert invited["report"]["versions"] == []
    shown = json.dumps(invited)
    assert "hiring-lead" not in shown and "Vague" not in text
