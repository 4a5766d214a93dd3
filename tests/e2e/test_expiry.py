"""Journey 3: a key question's countdown runs out while the candidate is idle; the interview moves on by itself."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import log_in, person, practice_chat, wait_reply_done

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_countdown_runs_out_and_next_question_arrives(journey, site):
    chat = practice_chat(person("ivan"), 4, 120)
    page = journey.page()
    log_in(page, "ivan", path=f"/accounts/login/?next=/interviews/{chat.pk}/")
    page.get_by_role("button", name="Start the interview").click()
    wait_reply_done(page, 1)
    expect(page.locator("#question-label")).to_have_text("Question 1 of 2")
    expect(page.locator("#countdown")).to_have_text(re.compile(r"0:0[1-4]"))
    journey.shot(page, "countdown-running")

    # Nothing more from the browser: the server's clock decides, and the next reply is slow enough to see.
    site.llm.words, site.llm.pace = 40, 0.05
    panel = page.locator("#question-panel")
    expect(panel).to_have_class("card question-panel expired", timeout=10_000)
    expect(page.locator("#countdown")).to_have_text("Time is up")
    expect(page.locator("#notice")).to_contain_text("Time ran out for question 1")
    journey.shot(page, "question-expired")

    wait_reply_done(page, 2)
    expect(page.locator("#question-label")).to_have_text("Question 2 of 2")
    expect(panel).not_to_have_class("card question-panel expired")
    expect(page.locator("#notice")).to_contain_text("Time ran out for question 1")
    journey.shot(page, "next-question")
    chat.refresh_from_db()
    assert chat.key_questions[0]["status"] == "expired" and chat.current_question_index == 1
