"""Journey: every main page, light and dark, has no serious or critical axe violation.

A candidate, an interviewer and a visitor walk the product's pages; on each one axe (vendored, evaluated
only by the test) runs in both colour schemes. The per-page summary lands in artifacts/e2e/axe-summary.md.
"""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from interview.hiring.selectors import token_hash
from interview.models import ExportableReport, InterviewTemplate, InvitedInterview
from tests.e2e.axe import assert_no_serious_axe_violations
from tests.e2e.helpers import log_in, person, template, wait_reply_done
from tests.factories import InvitationFactory
from tests.reports.helpers import make_chat

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

VISITOR_PAGES = {"home": "/", "login": "/accounts/login/", "sign up": "/accounts/register/"}
CANDIDATE_PAGES = {
    "dashboard (interviews)": "/interviews/",
    "new interview": "/interviews/new/",
    "resumes": "/resumes/",
    "job listings": "/jobs/",
    "usage": "/usage/",
    "password": "/accounts/password/",
    "activity": "/account/activity/",
    "AI consent": "/account/consent/",
    "your data": "/account/data/",
    "delete account": "/account/delete/",
    "role request": "/roles/request/",
}
INTERVIEWER_PAGES = {
    "invitations": "/invitations/",
    "new invitation": "/invitations/new/",
    "templates": "/setup/templates/",
    "new template": "/setup/templates/new/",
    "question banks": "/setup/banks/",
    "questions": "/setup/questions/",
    "tags": "/setup/tags/",
    "candidates": "/candidates/",
    "calibration": "/calibration/",
}


def test_every_main_page_passes_axe_in_light_and_dark(journey, site):
    cara = person("cara", email="cara@example.com", verified=True)
    ines = person("ines", role="interviewer", first_name="Ines", last_name="Ortega")
    template(ines, name="Backend screen", count=2)
    report_chat = make_chat(cara)
    ExportableReport.objects.create(
        chat=report_chat, status=ExportableReport.READY, version=1, model_name="gpt-4o-mini", overall_score=70,
        professionalism_score=70, subject_knowledge_score=55, clarity_score=91, feedback_text="Clear answers.",
        total_questions_asked=3, total_responses_given=2,
    )  # fmt: skip
    InvitationFactory(
        interviewer=ines, candidate=cara, candidate_email=cara.email, chat=report_chat,
        status=InvitedInterview.COMPLETED, completed_at=timezone.now(),
    )  # fmt: skip
    InvitationFactory(
        interviewer=ines, candidate_email=cara.email, scheduled_time=timezone.now(), token_hash=token_hash("tok-a11y")
    )

    visitor = journey.page()
    for label, path in VISITOR_PAGES.items():
        visitor.goto(path)
        assert_no_serious_axe_violations(visitor, label)

    candidate = journey.page()
    log_in(candidate, "cara")
    for label, path in CANDIDATE_PAGES.items():
        candidate.goto(path)
        assert_no_serious_axe_violations(candidate, label)
    candidate.goto(f"/interviews/{report_chat.pk}/report/")
    expect(candidate.get_by_role("heading", name="Scores")).to_be_visible()
    assert_no_serious_axe_violations(candidate, "report")
    candidate.goto("/invite/tok-a11y/")
    expect(candidate.get_by_role("heading", name="Interview invitation")).to_be_visible()
    assert_no_serious_axe_violations(candidate, "invitation join page")

    # The invited interview, live: before it starts, and with a question running while Ines observes.
    candidate.get_by_role("button", name="Start the interview").click()
    expect(candidate.locator("#conn-state")).to_have_text("Connected")
    assert_no_serious_axe_violations(candidate, "live page (before start)")
    candidate.get_by_role("button", name="Start the interview").click()
    wait_reply_done(candidate, 1)
    candidate.locator("#answer").fill("A draft answer.")
    assert_no_serious_axe_violations(candidate, "live page (question running)")

    interviewer = journey.page()
    log_in(interviewer, "ines")
    chat = InvitedInterview.objects.get(token_hash=token_hash("tok-a11y")).chat
    interviewer.goto(f"/interviews/{chat.pk}/observe/")
    expect(interviewer.locator("#transcript .msg-assistant")).to_have_count(1)
    assert_no_serious_axe_violations(interviewer, "observer page")
    for label, path in INTERVIEWER_PAGES.items():
        interviewer.goto(path)
        assert_no_serious_axe_violations(interviewer, label)
    invitation = InvitedInterview.objects.get(chat=report_chat)
    for label, path in {
        "invitation review": f"/invitations/{invitation.pk}/review/",
        "scorecards": f"/interviews/{report_chat.pk}/scorecards/",
        "candidate profile": f"/candidates/{cara.pk}/",
        "template": f"/setup/templates/{InterviewTemplate.objects.get().pk}/",
    }.items():
        interviewer.goto(path)
        assert_no_serious_axe_violations(interviewer, label)
