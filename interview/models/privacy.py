"""Personal data: the export archives of a user's data (GDPR articles 15 and 20) and file deletions
still owed after an erasure (article 17)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class DataExport(models.Model):
    """One ZIP of everything held about a user, built by a background job and downloadable once, by them,
    for 24 hours through a link whose token is stored only as its SHA-256."""

    PENDING = "pending"
    RUNNING = "running"
    READY = "ready"
    FAILED = "failed"
    EXPIRED = "expired"
    DOWNLOADED = "downloaded"
    STATUS_CHOICES = [
        (PENDING, "Pending"),
        (RUNNING, "Building"),
        (READY, "Ready"),
        (FAILED, "Failed"),
        (EXPIRED, "Expired"),
        (DOWNLOADED, "Downloaded"),
    ]

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="data_exports")
    status = models.CharField(max_length=12, choices=STATUS_CHOICES, default=PENDING)
    file = models.FileField(upload_to="exports/", blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    # The claim time while building, the finish time after (the row job's lease: interview/core/jobs.py).
    updated_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    downloaded_at = models.DateTimeField(null=True, blank=True)
    token_hash = models.CharField(max_length=64, blank=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Data export #{self.pk} ({self.status})"


class PendingFileDeletion(models.Model):
    """A stored file an erasure removed from the database whose delete from storage has not succeeded yet
    (retried by the settle loop). Holds a storage path only, never who it belonged to."""

    name = models.CharField(max_length=255)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.name
