"""Report events: viewed by someone other than the candidate (page, API), exported (PDF, CSV; page and API),
regenerated."""

from __future__ import annotations

import pytest
from django.db import DatabaseError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from interview.audit.actions import AuditAction
from interview.models import ExportableReport
from interview.reports.services import report_regenerate
from tests.audit.helpers import audit_inserts_refused, events, only_event, target_of
from tests.factories import InvitationFactory, UserFactory
from tests.reports.helpers import generate, make_chat
from tests.scoring.helpers import scorecard_submitted

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("offline_llm")]


@pytest.fixture
def chat(user):
    chat = make_chat(user)
    generate(chat)
    interviewer = UserFactory(username="their_interviewer", role="interviewer")
    InvitationFactory(interviewer=interviewer, chat=chat, candidate=chat.user, candidate_email=chat.user.email)
    scorecard_submitted(chat, interviewer)  # the blind rule: the interviewer sees the report once they scored
    return chat


def report_of(chat) -> ExportableReport:
    return ExportableReport.objects.get(chat=chat)


def fetch(chat, who, *, via: str, name: str):
    """GET one of the report's URLs as `who`, through the pages (a session) or the API."""
    if via == "page":
        client = Client()
        client.force_login(who)
        return client.get(reverse(name, args=[chat.pk]))
    api = APIClient()
    api.force_authenticate(who)
    return api.get(reverse(name, args=[chat.pk]))


@pytest.mark.parametrize(("via", "name"), [("page", "report_detail"), ("api", "api-report")])
def test_report_viewed_by_the_interviewer_writes_one_event(chat, via, name):
    interviewer = chat.invitation.interviewer
    assert fetch(chat, interviewer, via=via, name=name).status_code == 200
    event = only_event(AuditAction.REPORT_VIEWED)
    assert (event.actor_id, (event.target_type, event.target_id)) == (interviewer.pk, target_of(report_of(chat)))
    assert event.detail["via"] == via


def test_invitation_review_page_showing_the_report_writes_one_view(chat):
    interviewer = chat.invitation.interviewer
    client = Client()
    client.force_login(interviewer)
    assert client.get(reverse("invitation_review", args=[chat.invitation.pk])).status_code == 200
    event = only_event(AuditAction.REPORT_VIEWED)
    assert (event.actor_id, event.target_id, event.detail["via"]) == (interviewer.pk, str(report_of(chat).pk), "review")


@pytest.mark.parametrize(("via", "name"), [("page", "report_detail"), ("api", "api-report")])
def test_report_viewed_by_the_candidate_writes_none(chat, via, name):
    assert fetch(chat, chat.user, via=via, name=name).status_code == 200
    assert events(AuditAction.REPORT_VIEWED) == []


EXPORTS = [
    ("page", "report_pdf", "pdf"),
    ("page", "report_csv", "csv"),
    ("api", "api-report-pdf", "pdf"),
    ("api", "api-report-csv", "csv"),
]


@pytest.mark.parametrize(("via", "name", "fmt"), EXPORTS)
def test_report_exported_by_the_interviewer_writes_one_event_on_the_candidate(chat, via, name, fmt):
    interviewer = chat.invitation.interviewer
    assert fetch(chat, interviewer, via=via, name=name).status_code == 200
    event = only_event(AuditAction.REPORT_EXPORTED)
    assert (event.actor_id, event.subject_id, event.target_id) == (
        interviewer.pk,
        chat.user_id,
        str(report_of(chat).pk),
    )
    assert (event.detail["format"], event.detail["via"]) == (fmt, via)


@pytest.mark.parametrize(("via", "name", "fmt"), EXPORTS)
def test_report_exported_by_the_candidate_writes_one_event(chat, via, name, fmt):
    assert fetch(chat, chat.user, via=via, name=name).status_code == 200
    event = only_event(AuditAction.REPORT_EXPORTED)
    assert (event.actor_id, event.subject_id, event.detail["format"]) == (chat.user_id, chat.user_id, fmt)


def test_report_regenerated_writes_one_event(chat):
    interviewer = chat.invitation.interviewer
    report_regenerate(chat=chat, user=interviewer, now=timezone.now())
    event = only_event(AuditAction.REPORT_REGENERATED)
    assert (event.actor_id, event.target_id) == (interviewer.pk, str(report_of(chat).pk))


def test_report_regenerate_whose_event_fails_changes_nothing(chat):
    before = report_of(chat)
    with audit_inserts_refused(), pytest.raises(DatabaseError):
        report_regenerate(chat=chat, user=chat.invitation.interviewer, now=timezone.now())
    after = report_of(chat)
    assert (after.status, after.regenerated_at) == (before.status, before.regenerated_at)
