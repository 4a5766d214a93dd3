"""A candidate's request for extra time on an invited interview (issue 22)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from interview.models.choices import TIME_MULTIPLIER_CHOICES
from interview.models.core import InvitedInterview


class AccommodationRequest(models.Model):
    """One request per invitation, made from the join page before the interview starts, decided once by the
    inviting interviewer (or an admin). Only the multiplier asked for is stored: never a reason."""

    PENDING = "pending"
    GRANTED = "granted"
    DECLINED = "declined"
    STATUS_CHOICES = [(PENDING, "Pending"), (GRANTED, "Granted"), (DECLINED, "Declined")]

    invitation = models.OneToOneField(InvitedInterview, on_delete=models.CASCADE, related_name="accommodation")
    requested_multiplier = models.DecimalField(max_digits=3, decimal_places=2, choices=TIME_MULTIPLIER_CHOICES)
    status = models.CharField(max_length=20, choices=STATUS_CHOICES, default=PENDING, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="decided_accommodations",
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Extra time ×{self.requested_multiplier} for {self.invitation} ({self.status})"
