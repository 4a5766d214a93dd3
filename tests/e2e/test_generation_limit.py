"""MAX_CONCURRENT_GENERATIONS_PER_USER in the browser: the refusal is shown, the answer stays in the box.

Two other interviews of the candidate hold generation leases (replies being written elsewhere, as another
tab would); the live page's start and answer are refused with `too_many_generations`, and go through once
those replies end.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from interview.models import Chat
from tests.e2e.helpers import log_in, person, practice_chat, wait_reply_done
from tests.factories import ChatFactory

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

ANSWER = "I profile first, then add the index the slow query needs."


def replies_elsewhere(user, *, writing: bool) -> None:
    """Two other interviews of `user` whose replies are being written (or, with writing=False, have ended)."""
    others = Chat.objects.filter(user=user, title__startswith="Other tab")
    if not writing:
        others.update(generation_lease_until=None)
        return
    until = timezone.now() + timedelta(hours=1)
    if not others.exists():
        for number in (1, 2):
            ChatFactory(user=user, title=f"Other tab {number}", status=Chat.IN_PROGRESS)
    others.update(generation_lease_until=until)


def test_generation_limit_refusals_keep_the_candidates_input(journey, site):
    user = person("gina")
    chat = practice_chat(user, 300, 300)
    page = journey.page()
    log_in(page, "gina")
    site.llm.words, site.llm.pace = 12, 0.0

    replies_elsewhere(user, writing=True)
    page.goto(f"/interviews/{chat.pk}/")
    page.get_by_role("button", name="Start the interview").click()
    expect(page.locator("#notice")).to_contain_text("You already have 2 replies being written in other interviews")
    expect(page.get_by_role("button", name="Start the interview")).to_be_enabled()
    journey.shot(page, "start-refused")
    replies_elsewhere(user, writing=False)
    page.get_by_role("button", name="Start the interview").click()
    wait_reply_done(page, 1)

    replies_elsewhere(user, writing=True)
    page.locator("#answer").fill(ANSWER)
    page.locator("#answer").press("Control+Enter")
    expect(page.locator("#notice")).to_contain_text("Your answer was not recorded")
    expect(page.locator("#answer")).to_have_value(ANSWER)
    expect(page.locator("#transcript .msg-user")).to_have_count(0)
    journey.shot(page, "answer-refused-text-kept")
    replies_elsewhere(user, writing=False)
    page.locator("#answer").press("Control+Enter")
    expect(page.locator("#transcript .msg-user")).to_have_count(1)
    wait_reply_done(page, 2)
    journey.shot(page, "answer-accepted")
    chat.refresh_from_db()
    assert [m["content"] for m in chat.messages if m["role"] == "user"] == [ANSWER]
