"""Journey 8: an admin watching live asks the candidate a question of their own, verbatim, and pauses the interview."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from interview.models import Chat
from tests.e2e.helpers import log_in, person, practice_chat, wait_reply_done

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

PROBE = "Which column did the index cover, and why that one?"


def test_observer_probes_and_pauses(journey, site):
    chat = practice_chat(person("gus"), 300, 120)
    Chat.objects.filter(pk=chat.pk).update(max_follow_ups=0)
    person("root", role="admin", first_name="Grace", last_name="Hopper")
    candidate = journey.page()
    log_in(candidate, "gus", path=f"/accounts/login/?next=/interviews/{chat.pk}/")
    candidate.get_by_role("button", name="Start the interview").click()
    wait_reply_done(candidate, 1)

    observer = journey.page()
    log_in(observer, "root", path=f"/accounts/login/?next=/interviews/{chat.pk}/observe/")
    expect(observer.locator("#conn-state")).to_have_text("Connected")
    observer.get_by_label("Ask next (verbatim)").fill(PROBE)
    observer.get_by_role("button", name="Queue question").click()
    expect(observer.locator("#probes li")).to_contain_text("queued for question 1 by Grace Hopper")
    journey.shot(observer, "probe-queued")

    candidate.locator("#answer").fill("I added an index.")
    candidate.locator("#answer").press("Control+Enter")
    expect(candidate.locator("#question-text")).to_have_text(PROBE)
    expect(candidate.locator("#question-source")).to_have_text("Follow-up from the hiring team (Grace Hopper)")
    expect(candidate.locator("#countdown")).to_have_text(re.compile(r"2:[0-5]\d"))
    expect(observer.locator("#probes li")).to_contain_text("asked as follow-up 1.1")
    journey.shot(candidate, "probe-asked")
    journey.shot(observer, "probe-asked-observer")

    observer.get_by_label("Pause reason").fill("Connection check")
    observer.get_by_role("button", name="Pause").click()
    expect(candidate.locator("#paused-banner")).to_contain_text("Paused by the hiring team (Grace Hopper)")
    expect(candidate.locator("#send-btn")).to_be_disabled()
    frozen = candidate.locator("#countdown").inner_text()
    candidate.wait_for_timeout(1500)
    assert candidate.locator("#countdown").inner_text() == frozen
    journey.shot(candidate, "paused")
    journey.shot(observer, "paused-observer")

    observer.get_by_role("button", name="Resume").click()
    expect(candidate.locator("#paused-banner")).to_be_hidden()
    chat.refresh_from_db()
    assert (chat.paused_at, chat.pauses[0]["reason"], chat.pauses[0]["by_name"]) == (
        None,
        "Connection check",
        "Grace Hopper",
    )
    follow_up = chat.key_questions[0]["follow_ups"][0]
    assert (follow_up["question"], follow_up["source"], follow_up["asked_by"]) == (PROBE, "observer", "Grace Hopper")
