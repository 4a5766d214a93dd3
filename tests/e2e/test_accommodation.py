"""Journey: a candidate asks for extra time on the join page, the interviewer grants 1.5×, and the interview runs
with the adjusted limits; the observer sees that extra time applied, not why (issue 22)."""

from __future__ import annotations

import math
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from interview.models import InvitedInterview
from tests.e2e.helpers import log_in, person, template, wait_reply_done, wait_until
from tests.hiring.helpers import invitation_with_token

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def seconds_left(page) -> int:
    minutes, seconds = page.locator("#countdown").inner_text().split(":")
    return int(minutes) * 60 + int(seconds)


def test_extra_time_requested_granted_and_applied(journey, site):
    ada = person("ada", role="interviewer", first_name="Ada", last_name="Lovelace")
    person("carl", verified=True, email="carl@example.com")
    invitation, token = invitation_with_token(
        interviewer=ada, email="carl@example.com", template=template(ada, name="Backend screen", count=2)
    )

    # Carl asks for 1.5× time before starting; no reason is asked for.
    candidate = journey.page()
    candidate.goto(f"/invite/{token}/")
    log_in(candidate, "carl", path=candidate.url)
    expect(candidate.get_by_role("heading", name="Need more time?")).to_be_visible()
    candidate.get_by_label("Extra time").select_option(label="1.5× time")
    candidate.get_by_role("button", name="Ask for extra time").click()
    expect(candidate.locator(".flash-success")).to_contain_text("Your request for 1.5× time was sent")
    journey.shot(candidate, "candidate-asked-for-extra-time")
    assert wait_until(lambda: site.emails_to(ada.email), message="the email to the interviewer")

    # Ada grants it on the invitation's page.
    interviewer = journey.page()
    log_in(interviewer, "ada", path=f"/accounts/login/?next=/invitations/{invitation.pk}/review/")
    section = interviewer.get_by_test_id("accommodation")
    expect(section).to_contain_text("The candidate asked for extra time: 1.5× time")
    section.get_by_label("Grant", exact=True).check()
    section.get_by_role("button", name="Save the decision").click()
    expect(interviewer.locator(".flash-success")).to_contain_text("Extra time granted.")
    expect(interviewer.get_by_test_id("accommodation")).to_contain_text("Extra time applied: 1.5×")
    journey.shot(interviewer, "interviewer-granted")
    assert InvitedInterview.objects.get(pk=invitation.pk).time_multiplier == Decimal("1.5")

    # Carl starts: the page says extra time applies and the countdown runs from the multiplied limit.
    candidate.reload()
    expect(candidate.get_by_test_id("extra-time")).to_contain_text("Extra time applied: 1.5×")
    candidate.get_by_role("button", name="Start the interview").click()
    expect(candidate.get_by_test_id("extra-time")).to_contain_text("Extra time applied (1.5×)")
    candidate.get_by_role("button", name="Start the interview").click()
    wait_reply_done(candidate, 1)
    expect(candidate.locator("#question-panel")).to_be_visible()
    invitation.refresh_from_db()
    first = invitation.chat.key_questions[0]
    assert first["time_limit"] == math.ceil(first["base_time_limit"] * 1.5)
    wait_until(lambda: seconds_left(candidate) > first["base_time_limit"], message="a countdown past the base limit")
    journey.shot(candidate, "candidate-live-with-adjusted-limits")

    # Ada observes: extra time applied, nothing about why.
    interviewer.goto(f"/interviews/{invitation.chat_id}/observe/")
    expect(interviewer.get_by_test_id("extra-time")).to_have_text("Accommodation: extra time applied (1.5×)")
    expect(interviewer.locator("#conn-state")).to_have_text("Connected")
    journey.shot(interviewer, "observer-sees-accommodation")
