"""Journey 2: an interviewer invites a candidate, watches the interview live, takes a note and extends the time."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from playwright.sync_api import expect

from tests.e2e.axe import assert_no_serious_axe_violations
from tests.e2e.helpers import log_in, person, template, wait_reply_done, wait_until, words_of

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def seconds_left(page) -> int:
    minutes, seconds = page.locator("#countdown").inner_text().split(":")
    return int(minutes) * 60 + int(seconds)


def join_link(site, address: str) -> str:
    """The join link from the invitation email the server sent to `address`."""
    messages = wait_until(lambda: site.emails_to(address), message=f"an email to {address}")
    plain = next(part for part in messages[-1].walk() if part.get_content_type() == "text/plain")
    return re.search(r"Join here: (\S+)", plain.get_payload(decode=True).decode()).group(1)


def test_interviewer_invites_observes_notes_and_extends(journey, site):
    ada = person("ada", role="interviewer", first_name="Ada", last_name="Lovelace")
    template(ada, name="Backend screen", count=2)
    person("carl", verified=True, email="carl@example.com")

    # The interviewer invites Carl from a template, starting now.
    interviewer = journey.page(color_scheme="dark")  # Ada works in dark mode
    log_in(interviewer, "ada")
    interviewer.get_by_role("link", name="Invitations").click()
    expect(interviewer.locator(".empty-state")).to_contain_text("No invitations yet")
    interviewer.get_by_role("link", name="Invite your first candidate").click()
    interviewer.get_by_label("Candidate's email").fill("carl@example.com")
    interviewer.get_by_label("Template").select_option(label="Backend screen")
    interviewer.get_by_label("Duration (minutes)").fill("30")
    wait_until(lambda: datetime.now(UTC).second < 55, timeout=10, message="a minute with time to spare")
    interviewer.get_by_label("Scheduled time (UTC)").fill(datetime.now(UTC).strftime("%Y-%m-%dT%H:%M"))
    interviewer.get_by_role("button", name="Send invitation").click()
    expect(interviewer.locator(".flash-success")).to_contain_text("Invitation sent to carl@example.com")
    journey.shot(interviewer, "invitation-sent")

    # Carl opens the link from the email, signs in and starts.
    candidate = journey.page()
    link = join_link(site, "carl@example.com")
    assert link.startswith(site.url + "/invite/")
    candidate.goto(link)
    log_in(candidate, "carl", path=candidate.url)
    expect(candidate.get_by_role("heading", name="Interview invitation")).to_be_visible()
    expect(candidate.locator("main")).to_contain_text("From Ada Lovelace")
    journey.shot(candidate, "candidate-join-page")
    assert_no_serious_axe_violations(candidate, "observer journey: join page")
    candidate.get_by_role("button", name="Start the interview").click()
    expect(candidate.get_by_role("heading", level=1)).to_have_text("Backend screen")

    # Ada observes from her dashboard; Carl sees that he is watched.
    interviewer.get_by_role("link", name="Invitations").click()
    interviewer.get_by_role("link", name="Observe live").click()
    expect(interviewer.get_by_role("heading", level=1)).to_have_text("Observing: Backend screen")
    expect(interviewer.locator("#conn-state")).to_have_text("Connected")
    expect(candidate.locator("#observers")).to_have_text("Watched by Ada Lovelace (interviewer)")

    # The greeting streams to both at once.
    site.llm.words, site.llm.pace = 50, 0.05
    candidate.get_by_role("button", name="Start the interview").click()
    observed = interviewer.locator("#transcript .msg.streaming .msg-body")
    expect(observed).to_contain_text("w1x05")
    journey.shot(interviewer, "observer-sees-stream-live")
    journey.shot(candidate, "candidate-same-stream")
    seen_by_observer, seen_by_candidate = wait_reply_done(interviewer, 1), wait_reply_done(candidate, 1)
    assert words_of(seen_by_observer) == words_of(seen_by_candidate) == words_of(site.llm.texts[0])
    assert len(words_of(seen_by_observer)) == 50

    # A private note, and one more minute for the running question.
    interviewer.get_by_label("New note").fill("Confident opening; probe the caching answer.")
    interviewer.get_by_role("button", name="Add note").click()
    expect(interviewer.locator("#notes li")).to_contain_text("Confident opening; probe the caching answer.")
    expect(interviewer.get_by_label("New note")).to_have_value("")
    before = seconds_left(candidate)
    interviewer.get_by_role("button", name="+1 min").click()
    expect(candidate.locator("#notice")).to_contain_text("The interviewer gave you 60 more seconds.")
    wait_until(lambda: seconds_left(candidate) >= before + 50, message="the candidate's countdown to grow")
    expect(candidate.locator("main")).not_to_contain_text("probe the caching answer")
    journey.shot(interviewer, "observer-note-and-extension")
    assert_no_serious_axe_violations(interviewer, "observer journey: observer page (dark user)")
    journey.shot(candidate, "candidate-new-deadline")
