"""Journey 7: the candidate answers briefly; the interviewer asks one follow-up with its own countdown, then moves on."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from interview.models import Chat
from tests.e2e.helpers import log_in, person, practice_chat, wait_reply_done

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

FOLLOW_UP = "How did you confirm that the index made the query faster?"


def test_brief_answer_gets_a_follow_up_with_its_own_countdown(journey, site):
    chat = practice_chat(person("fay"), 300, 120)
    Chat.objects.filter(pk=chat.pk).update(max_follow_ups=1)
    site.llm.follow_ups = [FOLLOW_UP]  # the model's decision on the first answer: one follow-up
    page = journey.page()
    log_in(page, "fay", path=f"/accounts/login/?next=/interviews/{chat.pk}/")
    page.get_by_role("button", name="Start the interview").click()
    wait_reply_done(page, 1)
    expect(page.locator("#question-label")).to_have_text("Question 1 of 2")
    expect(page.locator("#countdown")).to_have_text(re.compile(r"[45]:\d\d"))

    page.locator("#answer").fill("I added an index.")
    page.locator("#answer").press("Control+Enter")
    reply = wait_reply_done(page, 2)
    panel = page.locator("#question-panel")
    expect(page.locator("#question-label")).to_have_text("Follow-up to question 1")
    expect(page.locator("#question-text")).to_have_text(FOLLOW_UP)
    expect(page.locator("#question-source")).to_have_text("asked by the AI interviewer")
    expect(panel).to_have_class(re.compile(r"\bfollow-up\b"))
    # Its own clock: half of the key question's five minutes.
    expect(page.locator("#countdown")).to_have_text(re.compile(r"2:[0-5]\d"))
    expect(page.locator("#transcript .msg-follow-up .msg-meta")).to_have_text(
        "Follow-up to question 1 · asked by the AI interviewer"
    )
    assert reply.strip() == FOLLOW_UP
    journey.shot(page, "follow-up-asked")

    page.locator("#answer").fill("I compared EXPLAIN ANALYZE before and after: 9 s down to 200 ms.")
    page.locator("#answer").press("Control+Enter")
    wait_reply_done(page, 3)
    expect(page.locator("#question-label")).to_have_text("Question 2 of 2")
    expect(page.locator("#question-source")).to_be_hidden()
    expect(panel).not_to_have_class(re.compile(r"\bfollow-up\b"))
    expect(page.locator("#countdown")).to_have_text(re.compile(r"[12]:\d\d"))
    journey.shot(page, "next-key-question")

    page.reload()  # the snapshot keeps the follow-up labelled in the transcript
    expect(page.locator("#transcript .msg-follow-up .msg-meta")).to_contain_text("Follow-up to question 1")
    journey.shot(page, "after-reload")
    chat.refresh_from_db()
    follow_up = chat.key_questions[0]["follow_ups"][0]
    assert (follow_up["question"], follow_up["status"], follow_up["source"]) == (FOLLOW_UP, "answered", "ai")
    assert chat.current_question_index == 1 and chat.current_follow_up is None
