"""Journey 4: the candidate refreshes the page in the middle of a streamed reply; it continues where it was."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import (
    log_in,
    person,
    practice_chat,
    stored_assistant_texts,
    streaming_text,
    wait_reply_done,
    words_of,
)

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

WORDS = 80


def test_refresh_mid_stream_continues_without_gaps_or_repeats(journey, site):
    chat = practice_chat(person("rafa"), 120, 120)
    page = journey.page()
    log_in(page, "rafa", path=f"/accounts/login/?next=/interviews/{chat.pk}/")
    site.llm.words, site.llm.pace = WORDS, 0.05
    page.get_by_role("button", name="Start the interview").click()

    before = words_of(streaming_text(page, "w1x10"))
    journey.shot(page, "before-refresh")
    page.reload()

    # After the reload the snapshot brings the text so far, and the stream goes on from there.
    expect(page.locator("#conn-state")).to_have_text("Connected")
    after = words_of(streaming_text(page, "w1x"))
    journey.shot(page, "after-refresh-still-streaming")
    reply = wait_reply_done(page, 1)
    journey.shot(page, "reply-complete")

    expected = [f"w1x{i:02d}" for i in range(WORDS)]
    assert before == expected[: len(before)] and after == expected[: len(after)] and len(before) <= len(after) < WORDS
    assert words_of(reply) == expected
    assert words_of(stored_assistant_texts(chat)[0]) == expected
    expect(page.locator("#question-label")).to_have_text("Question 1 of 2")
