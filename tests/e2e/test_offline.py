"""Journey 5: the network drops while the interviewer replies and comes back; the page says so and recovers."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import (
    log_in,
    person,
    practice_chat,
    stored_assistant_texts,
    wait_reply_done,
    wait_until,
    words_of,
)

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_network_drop_mid_reply_recovers_without_losing_text(journey, site):
    chat = practice_chat(person("olga"), 120, 120)
    context = journey.context()
    page = context.new_page()
    log_in(page, "olga", path=f"/accounts/login/?next=/interviews/{chat.pk}/")
    page.get_by_role("button", name="Start the interview").click()
    wait_reply_done(page, 1)

    # The answer goes out; the network drops while the reply streams.
    site.llm.words, site.llm.pace = 50, 0.04
    page.locator("#answer").fill("I built a billing service in Django and moved PDF rendering to a worker.")
    page.locator("#answer").press("Control+Enter")
    expect(page.locator("#transcript .msg.streaming .msg-body")).to_contain_text("w2x02")
    context.set_offline(True)
    banner = page.locator("#conn-banner")
    expect(banner).to_contain_text("You are offline")
    expect(page.locator("#conn-state")).to_have_text("Offline")
    page.locator("#answer").fill("A draft typed while offline stays put.")
    journey.shot(page, "offline-banner")

    # The server finishes the reply meanwhile; back online, the page catches up on all of it.
    wait_until(lambda: len(stored_assistant_texts(chat)) == 2, message="the reply to be stored")
    context.set_offline(False)
    expect(page.locator("#conn-state")).to_have_text("Connected")
    expect(banner).to_be_hidden()
    reply = wait_reply_done(page, 2)
    assert words_of(reply) == words_of(site.llm.texts[1])
    expect(page.locator("#question-label")).to_have_text("Question 2 of 2")
    expect(page.locator("#answer")).to_have_value("A draft typed while offline stays put.")
    journey.shot(page, "recovered")

    site.llm.pace = 0.0
    page.get_by_role("button", name="Send answer").click()
    expect(page.locator("#completed")).to_be_visible()
