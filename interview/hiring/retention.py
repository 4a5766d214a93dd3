"""Retention of practice data (docs/operations.md "Retention"): run by the settle loop (invitations_settle).

An account is inactive since its last activity: the latest of its last login, its sign-up, the last change to
any of its interviews (an answer, a turn) and its newest upload. After `DATA_RETENTION_DAYS` of inactivity (0
keeps everything) its practice interviews (with their reports) and its documents are deleted, their files
removed from storage once the deletion commits. The owner is emailed `DATA_RETENTION_WARNING_DAYS` (14) days
before, once per stretch of inactivity (`UserProfile.retention_warned_at`); nothing is purged before that
warning is 14 days old, so an account found already past the limit (the rule newly switched on) is warned
first and purged 14 days later.

Invited interviews are kept: they belong to the hiring team's record of a hiring decision (transcript, scores,
scorecards), which the candidate's inactivity does not end; erasure (issue 20) is the way to remove them.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import models, transaction
from django.db.models.functions import Coalesce, Greatest
from django.urls import reverse

from interview.hiring.mail import email_send, site_url
from interview.models import Chat, UploadedJobListing, UploadedResume, UserProfile

logger = logging.getLogger(__name__)


@dataclass
class RetentionResult:
    warned: int = 0  # warning emails sent
    purged: int = 0  # accounts whose practice data was deleted


def _newest(model: Any, field: str) -> models.Subquery:
    rows = model.objects.filter(user=models.OuterRef("pk")).order_by(f"-{field}").values(field)[:1]
    return models.Subquery(rows, output_field=models.DateTimeField())


def users_with_activity() -> models.QuerySet[Any]:
    """Every user annotated with `last_activity` (see the module's docstring)."""
    joined = models.F("date_joined")
    return get_user_model().objects.annotate(
        last_activity=Greatest(
            Coalesce("last_login", joined),
            Coalesce(_newest(Chat, "updated_at"), joined),
            Coalesce(_newest(UploadedResume, "uploaded_at"), joined),
            Coalesce(_newest(UploadedJobListing, "created_at"), joined),
        )
    )


def _holding_data() -> models.Q:
    """Users with something this rule would delete."""
    practice = Chat.objects.filter(user=models.OuterRef("pk"), invitation__isnull=True)
    return (
        models.Q(models.Exists(practice))
        | models.Q(models.Exists(UploadedResume.objects.filter(user=models.OuterRef("pk"))))
        | models.Q(models.Exists(UploadedJobListing.objects.filter(user=models.OuterRef("pk"))))
    )


def retention_settle(*, now: datetime) -> RetentionResult:
    """Warn the accounts 14 days from the limit (once) and purge those past it whose warning is 14 days old."""
    days = int(settings.DATA_RETENTION_DAYS)
    if days <= 0:
        return RetentionResult()
    limit, notice = timedelta(days=days), timedelta(days=int(settings.DATA_RETENTION_WARNING_DAYS))
    inactive = users_with_activity().filter(_holding_data())
    result = RetentionResult()
    for user in inactive.filter(last_activity__lte=now - limit + notice).select_related("profile"):
        warned_at = user.profile.retention_warned_at
        if warned_at is None or warned_at < user.last_activity:
            result.warned += _warn(user, purge_on=max(user.last_activity + limit, now + notice), now=now)
        elif user.last_activity <= now - limit and warned_at <= now - notice:
            result.purged += _purge(user.pk, last_activity=user.last_activity)
    return result


def _warn(user: Any, *, purge_on: datetime, now: datetime) -> int:
    """Record the warning, then email it (a failed email is logged; the record keeps it from repeating)."""
    UserProfile.objects.filter(user=user).update(retention_warned_at=now)
    if not user.email:
        return 0
    context = {"user": user, "purge_on": purge_on, "login_url": site_url(reverse("login"))}
    return int(
        email_send(
            subject="Your practice data will be deleted", template="retention_warning", context=context, to=user.email
        )
    )


def _purge(user_id: int, *, last_activity: datetime) -> int:
    """Delete the user's practice interviews and documents in one transaction (files go after it commits)."""
    with transaction.atomic():
        # Re-read under lock: activity since the selection (a login, an answer) cancels the purge.
        UserProfile.objects.select_for_update().filter(user_id=user_id).first()
        still = users_with_activity().filter(pk=user_id, last_activity__lte=last_activity).exists()
        if not still:
            return 0
        Chat.objects.filter(user_id=user_id, invitation__isnull=True).delete()
        UploadedResume.objects.filter(user_id=user_id).delete()
        UploadedJobListing.objects.filter(user_id=user_id).delete()
        UserProfile.objects.filter(user_id=user_id).update(retention_warned_at=None)
    logger.info("Retention: purged the practice data of user %s (inactive since %s)", user_id, last_activity)
    return 1
