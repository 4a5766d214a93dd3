"""Scorecard reminders: the panel of an ended interview is emailed until each member has submitted.

Run by the periodic settle pass (`invitations_settle`, `manage.py invitations_settle --loop`). Each
panelist (the inviting interviewer and every co-interviewer) without a submitted scorecard is reminded
on the first pass after the interview ends, then again each time REMINDER_INTERVAL has passed since their
last reminder, REMINDER_MAX times at most. Reminders stop once the decision is recorded. What was sent
is kept in `InvitedInterview.panel_reminders` ({"<user id>": {"count": n, "last_at": iso time}}), written
with the invitation row locked, so two settle processes never remind the same person twice.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils.dateparse import parse_datetime

from interview.accounts.permissions import is_interviewer
from interview.hiring.mail import email_send, site_url
from interview.models import InvitedInterview, Scorecard

REMINDER_MAX = 3
REMINDER_INTERVAL = timedelta(days=1)
# Past this, every reminder that could be due has been sent: older interviews are not looked at again.
LOOKBACK = REMINDER_INTERVAL * (REMINDER_MAX + 2)
ENDED = (InvitedInterview.COMPLETED, InvitedInterview.REVIEWED)


def panel_reminders_send(*, now: datetime) -> int:
    """Email every panelist whose scorecard is missing and whose next reminder is due; return how many were sent."""
    candidates = InvitedInterview.objects.filter(
        status__in=ENDED, chat__isnull=False, decision="", completed_at__gte=now - LOOKBACK
    )
    sent = 0
    for invitation_id in list(candidates.values_list("pk", flat=True)):
        sent += _remind(invitation_id, now)
    return sent


def reminder_due(entry: Any, now: datetime) -> bool:
    """Whether a panelist with this `panel_reminders` entry is due another reminder at `now`."""
    if not isinstance(entry, dict) or not entry.get("count"):
        return True
    last = parse_datetime(str(entry.get("last_at") or ""))
    return int(entry["count"]) < REMINDER_MAX and (last is None or now - last >= REMINDER_INTERVAL)


def _remind(invitation_id: int, now: datetime) -> int:
    with transaction.atomic():
        invitation = (
            InvitedInterview.objects.select_for_update(of=("self",))
            .select_related("interviewer__profile", "template")
            .filter(pk=invitation_id, decision="", chat__isnull=False)
            .first()
        )
        if invitation is None or invitation.chat_id is None:
            return 0
        chat_id: int = invitation.chat_id
        submitted = set(
            Scorecard.objects.filter(chat_id=chat_id, status=Scorecard.SUBMITTED).values_list(
                "interviewer_id", flat=True
            )
        )
        record = dict(invitation.panel_reminders or {})
        due = [
            person
            for person in [invitation.interviewer, *invitation.panel.select_related("profile")]
            if person.pk not in submitted and person.is_active and person.email and is_interviewer(person)
            and reminder_due(record.get(str(person.pk)), now)
        ]  # fmt: skip
        for person in due:
            count = int((record.get(str(person.pk)) or {}).get("count") or 0) + 1
            record[str(person.pk)] = {"count": count, "last_at": now.isoformat()}
        if due:
            invitation.panel_reminders = record
            invitation.save(update_fields=["panel_reminders"])
    link = site_url(reverse("scorecard_page", kwargs={"chat_id": chat_id}))
    for person in due:
        email_send(
            subject=f"Your scorecard is missing: {invitation.candidate_email}",
            template="scorecard_reminder",
            context={
                "invitation": invitation,
                "person": person,
                "link": link,
                "count": record[str(person.pk)]["count"],
            },
            to=person.email,
        )
    return len(due)
