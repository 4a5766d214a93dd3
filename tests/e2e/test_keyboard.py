"""Journey: a whole interview with the keyboard alone, and the countdown's thresholds for screen readers.

No mouse: every step is a key press (Tab moves focus, Enter and Space act, Ctrl+Enter sends). The
countdown is silent for screen readers except at 1 minute and 10 seconds left and when time is up,
said by a polite live region that shows in the accessibility tree.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import PASSWORD, log_in, own_folder, person, practice_chat, wait_reply_done

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

ANSWERS = ("I profile with EXPLAIN ANALYZE and add an index.", "Small pull requests, CI and feature flags.")


def tab_to(page, selector: str, *, limit: int = 60, back: bool = False) -> None:
    """Press Tab (Shift+Tab with `back`) until the element matching `selector` has focus; fail if it never does."""
    target = page.locator(selector)
    for _ in range(limit):
        if target.evaluate("el => el === document.activeElement"):
            return
        page.keyboard.press("Shift+Tab" if back else "Tab")
    raise AssertionError(f"{selector} was not reached with the keyboard in {limit} presses")


def focused(page) -> str:
    return page.evaluate("() => document.activeElement.id || document.activeElement.tagName")


def test_whole_interview_with_the_keyboard_alone(journey, site):
    own_folder(journey, "keyboard-only")
    chat = practice_chat(person("kim"), 120, 120)
    page = journey.page()
    page.goto(f"/accounts/login/?next=/interviews/{chat.pk}/")
    tab_to(page, "#id_login")
    page.keyboard.type("kim")
    tab_to(page, "#id_password")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.locator("#conn-state")).to_have_text("Connected")

    # The voice switch and the shortcuts help open from the keyboard; focus is visible.
    tab_to(page, "#read-aloud")
    outline = page.locator("#read-aloud").evaluate("el => getComputedStyle(el).outlineStyle")
    assert outline != "none"
    page.keyboard.press("Space")
    expect(page.locator("#read-aloud")).to_be_checked()
    page.keyboard.press("Space")
    tab_to(page, "details.shortcuts summary")
    page.keyboard.press("Enter")
    expect(page.locator("details.shortcuts")).to_have_attribute("open", "")
    journey.shot(page, "keyboard-shortcuts-help")

    tab_to(page, "#start-btn", back=True)
    page.keyboard.press("Enter")
    wait_reply_done(page, 1)
    expect(page.locator("#answer")).to_be_focused()  # the page puts the cursor in the answer box

    # The time left, on demand; Tab leaves the answer box (no focus trap) and Shift+Tab comes back.
    page.keyboard.press("Alt+Shift+T")
    expect(page.locator("#announce-status")).to_have_text(
        re.compile(r"^(1 minute|2 minutes)( \d+ seconds?)? left for question 1 of 2\.")
    )
    page.keyboard.type(ANSWERS[0])
    page.keyboard.press("Tab")
    assert focused(page) == "send-btn"
    page.keyboard.press("Shift+Tab")
    assert focused(page) == "answer"
    page.keyboard.press("Control+Enter")
    wait_reply_done(page, 2)
    expect(page.locator("#answer")).to_be_focused()
    page.keyboard.type(ANSWERS[1])
    tab_to(page, "#send-btn")
    journey.shot(page, "keyboard-focus-on-send")
    page.keyboard.press("Enter")

    # Done: focus lands on the report link, and Enter opens it.
    expect(page.locator("#completed")).to_be_visible()
    expect(page.get_by_role("link", name="Read your report")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"/interviews/{chat.pk}/report/$"))
    chat.refresh_from_db()
    assert [m["content"] for m in chat.messages if m["role"] == "user"] == list(ANSWERS)


def test_countdown_thresholds_are_announced_politely(journey, site):
    own_folder(journey, "threshold-announcement")
    chat = practice_chat(person("tess"), 63, 13)
    page = journey.page()
    log_in(page, "tess", path=f"/accounts/login/?next=/interviews/{chat.pk}/")
    page.get_by_role("button", name="Start the interview").click()
    wait_reply_done(page, 1)

    status = page.locator("#announce-status")
    expect(page.locator("#countdown")).to_have_attribute("aria-live", "off")
    expect(page.locator("#transcript")).not_to_have_attribute("aria-live", re.compile(".*"))
    expect(status).to_have_text("1 minute left for question 1 of 2.")
    tree = page.locator("body").aria_snapshot()
    assert "- status: 1 minute left for question 1 of 2." in tree
    (journey.artifact("threshold-aria-snapshot.txt")).write_text(tree)
    show_tree(journey, tree, "threshold-announcement-accessibility-tree")
    journey.shot(page, "threshold-one-minute-page")

    page.locator("#answer").fill("An index on the foreign key.")
    page.locator("#answer").press("Control+Enter")
    wait_reply_done(page, 2)
    expect(status).to_have_text("10 seconds left for question 2 of 2.")
    expect(status).to_have_text(re.compile(r"^Time ran out for question 2\."), timeout=20_000)
    assert "- status: Time ran out for question 2." in page.locator("body").aria_snapshot()
    journey.shot(page, "threshold-time-up")


def show_tree(journey, tree: str, name: str) -> None:
    """A screenshot of the accessibility tree's text, with the announcement highlighted."""
    page = journey.page()
    lines = "".join(
        f"<div{' class=hit' if 'status: ' in line and 'left for' in line else ''}>{line}</div>"
        for line in (line.replace("&", "&amp;").replace("<", "&lt;") for line in tree.splitlines())
    )
    page.set_content(
        "<style>body{font:13px monospace;white-space:pre;margin:16px}.hit{background:#fff1a8;font-weight:bold}</style>"
        f"<h1 style='font:bold 16px sans-serif'>Accessibility tree of the live page (aria snapshot)</h1>{lines}"
    )
    journey.shot(page, name)
