"""The settle loop's privacy steps: expired export files deleted, failed file deletes retried."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.utils import timezone

from interview.models import DataExport, PendingFileDeletion
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_settle_command_purges_expired_exports_and_retries_deletions():
    user = UserFactory()
    name = default_storage.save("exports/old.zip", ContentFile(b"zip"))
    DataExport.objects.create(
        user=user, status=DataExport.READY, file=name, expires_at=timezone.now() - timezone.timedelta(seconds=1)
    )
    fresh = default_storage.save("exports/fresh.zip", ContentFile(b"zip"))
    DataExport.objects.create(
        user=user, status=DataExport.READY, file=fresh, expires_at=timezone.now() + timezone.timedelta(hours=1)
    )
    owed = default_storage.save("uploads/owed.txt", ContentFile(b"x"))
    PendingFileDeletion.objects.create(name=owed)
    out = StringIO()
    call_command("invitations_settle", stdout=out)
    assert "1 expired data export(s) deleted, 1 pending file deletion(s) done." in out.getvalue()
    assert not default_storage.exists(name) and not default_storage.exists(owed)
    assert default_storage.exists(fresh)
    assert not PendingFileDeletion.objects.exists()
