"""Journey: an interviewer's biased review feedback is flagged as they type and refused on save (issue 21).

Ines reviews a completed interview. She writes "too old for this team": the live check under the field
names the term and why while she types, and "Mark reviewed" is refused with the explanation, her text
kept in the field and nothing saved. She rewrites it about the work, and it is saved.
"""

from __future__ import annotations

import shutil

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from interview.models import InvitedInterview
from tests.e2e.helpers import log_in, person
from tests.factories import InvitationFactory
from tests.fairness.helpers import seed_library
from tests.reports.helpers import make_chat

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

BIASED = "Solid SQL, but honestly too old for this team."
REWRITTEN = "Solid SQL; the caching answer missed invalidation."


def completed_interview() -> InvitedInterview:
    ines = person("ines", role="interviewer", first_name="Ines", last_name="Ortega")
    candidate = person("cara", email="cara@example.com", verified=True)
    return InvitationFactory(
        interviewer=ines, candidate=candidate, candidate_email=candidate.email, chat=make_chat(candidate),
        status=InvitedInterview.COMPLETED, completed_at=timezone.now(),
    )  # fmt: skip


def test_biased_review_feedback_is_refused_with_the_reason(journey, site):
    journey.folder = journey.folder.parent / "fairness"
    shutil.rmtree(journey.folder, ignore_errors=True)
    journey.folder.mkdir(parents=True)
    seed_library()  # the journeys' database is flushed between tests: the migration's rows are gone
    invitation = completed_interview()

    page = journey.page()
    log_in(page, "ines")
    page.goto(f"/invitations/{invitation.pk}/review/")
    feedback = page.locator("#id_feedback")
    feedback.fill(BIASED)
    preview = page.locator("#id_feedback_fairness")
    expect(preview).to_contain_text("This wording will be refused")
    expect(preview).to_contain_text("“too old”")
    journey.shot(page, "flagged-while-typing")

    page.get_by_role("button", name="Mark reviewed").click()
    error = page.locator("#id_feedback_error")
    expect(error).to_contain_text("“too old”")
    expect(error).to_contain_text("judge skills and evidence, not age")
    expect(page.locator("#id_feedback")).to_have_value(BIASED)
    journey.shot(page, "refused-with-reason")
    # The refusal is a 400 page, which the browser logs as a failed load: expected once, here.
    refused = [e for e in journey.errors if "status of 400" in e and f"/invitations/{invitation.pk}/review/" in e]
    assert len(refused) == 1
    journey.errors.remove(refused[0])
    invitation.refresh_from_db()
    assert (invitation.status, invitation.interviewer_feedback) == (InvitedInterview.COMPLETED, "")

    page.locator("#id_feedback").fill(REWRITTEN)
    expect(page.locator("#id_feedback_fairness")).to_be_empty()
    page.get_by_role("button", name="Mark reviewed").click()
    expect(page.locator("main")).to_contain_text("Marked reviewed")
    journey.shot(page, "rewritten-and-saved")
    invitation.refresh_from_db()
    assert (invitation.status, invitation.interviewer_feedback) == (InvitedInterview.REVIEWED, REWRITTEN)
