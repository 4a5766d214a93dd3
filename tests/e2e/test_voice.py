"""Journey: voice on the live page, with the browser's speech objects replaced by test doubles.

Dictated text lands in the answer box and can be edited before sending; replies are read aloud sentence
by sentence, once each and in order, even across a reload mid-reply; stopping the reply silences it;
a refused microphone or a browser without speech recognition leaves typing working.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.axe import assert_no_serious_axe_violations
from tests.e2e.helpers import (
    QUESTIONS,
    log_in,
    own_folder,
    person,
    practice_chat,
    stored_assistant_texts,
    wait_reply_done,
    wait_until,
)
from tests.e2e.speech import hear, install_speech_doubles, said, sentences, speech_log

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def live_page(journey, username: str, *limits: int, mode: str = "ok"):
    """A candidate's live page of a new practice interview, with the speech doubles installed."""
    chat = practice_chat(person(username), *limits)
    context = journey.context()
    install_speech_doubles(context, mode=mode)
    page = context.new_page()
    log_in(page, username, path=f"/accounts/login/?next=/interviews/{chat.pk}/")
    expect(page.locator("#conn-state")).to_have_text("Connected")
    return chat, page


def test_dictation_fills_the_box_and_replies_are_read_once_in_order(journey, site):
    own_folder(journey, "voice-controls")
    chat, page = live_page(journey, "vera", 120, 120)
    read_aloud, dictation = page.get_by_label("Read replies aloud"), page.get_by_label("Dictation (speak your answer)")
    expect(read_aloud).not_to_be_checked()
    expect(dictation).not_to_be_checked()
    expect(page.locator("#voice")).to_contain_text("We record and upload nothing")
    page.keyboard.press("Alt+Shift+R")
    expect(read_aloud).to_be_checked()
    dictation.check()

    site.llm.words, site.llm.sentence, site.llm.pace = 30, 6, 0.02
    page.get_by_role("button", name="Start the interview").click()
    wait_reply_done(page, 1)
    expected = sentences(stored_assistant_texts(chat)[0])  # the turn, then the question block the server adds
    assert expected[-1] == QUESTIONS[0]
    wait_until(lambda: len(said(page)) >= len(expected), message="the reply and the question spoken")
    assert said(page) == expected

    # Dictation: interim text shows at once, the final text replaces it, and it stays editable.
    page.get_by_role("button", name="Dictate").click()
    expect(page.get_by_role("button", name="Dictate")).to_have_attribute("aria-pressed", "true")
    hear(page, ["I built an invoicing"], final=False)
    expect(page.locator("#answer")).to_have_value("I built an invoicing")
    journey.shot(page, "voice-controls-dictating")
    page.emulate_media(color_scheme="dark")
    journey.shot(page, "voice-controls-dictating-dark")
    page.emulate_media(color_scheme="light")
    assert_no_serious_axe_violations(page, "live page (dictating)")
    hear(page, ["I built an invoicing app", "in Django"], final=True)
    expect(page.locator("#answer")).to_have_value("I built an invoicing app in Django")
    page.keyboard.press("Alt+Shift+D")
    expect(page.get_by_role("button", name="Dictate")).to_have_attribute("aria-pressed", "false")
    page.locator("#answer").press("End")
    page.locator("#answer").press_sequentially(", with a worker queue.")
    page.locator("#answer").press("Control+Enter")
    wait_reply_done(page, 2)
    chat.refresh_from_db()
    assert [m["content"] for m in chat.messages if m["role"] == "user"] == [
        "I built an invoicing app in Django, with a worker queue."
    ]

    # The settings are remembered in this browser; nothing is said again after a reload.
    expected += sentences(stored_assistant_texts(chat)[1])
    wait_until(lambda: len(said(page)) >= len(expected), message="reply 2 spoken")
    before = said(page)
    page.reload()
    expect(page.locator("#conn-state")).to_have_text("Connected")
    expect(page.get_by_label("Read replies aloud")).to_be_checked()
    expect(page.get_by_role("button", name="Dictate")).to_be_visible()
    journey.shot(page, "voice-controls-after-reload")
    assert said(page) == before == expected


def test_refresh_mid_reply_does_not_repeat_a_spoken_sentence(journey, site):
    chat, page = live_page(journey, "rui", 120, 120)
    page.get_by_label("Read replies aloud").check()
    site.llm.words, site.llm.sentence, site.llm.pace = 60, 5, 0.05
    page.get_by_role("button", name="Start the interview").click()
    wait_until(lambda: len(said(page)) >= 2, message="two sentences spoken")
    page.reload()
    expect(page.locator("#conn-state")).to_have_text("Connected")
    wait_reply_done(page, 1)
    expected = sentences(stored_assistant_texts(chat)[0])
    wait_until(lambda: len(said(page)) >= len(expected), message="the whole reply spoken")
    assert said(page) == expected


def test_stop_cancels_speech_at_once(journey, site):
    _chat, page = live_page(journey, "stan", 120, 120)
    page.get_by_label("Read replies aloud").check()
    site.llm.words, site.llm.sentence, site.llm.pace = 80, 4, 0.05
    page.get_by_role("button", name="Start the interview").click()
    wait_until(lambda: said(page), message="a first sentence spoken")
    page.get_by_role("button", name="Stop reply").click()
    expect(page.locator("#transcript .msg-assistant .msg-meta")).to_have_text("stopped")
    log = speech_log(page)
    cancelled = next(index for index, entry in enumerate(log) if entry.get("cancel"))
    reply = set(sentences(site.llm.texts[0]))
    assert not [entry for entry in log[cancelled:] if entry.get("said") in reply]
    assert 0 < len(said(page)) < len(reply)


def test_muting_cancels_speech_and_stays_silent(journey, site):
    _chat, page = live_page(journey, "mia", 120, 120)
    page.get_by_label("Read replies aloud").check()
    site.llm.words, site.llm.sentence, site.llm.pace = 60, 4, 0.05
    page.get_by_role("button", name="Start the interview").click()
    wait_until(lambda: said(page), message="a first sentence spoken")
    page.keyboard.press("Alt+Shift+R")
    expect(page.get_by_label("Read replies aloud")).not_to_be_checked()
    expect(page.locator("#voice-status")).to_have_text("Reading aloud is off.")
    muted_at = len(speech_log(page))
    assert speech_log(page)[-1] == {"cancel": True}
    wait_reply_done(page, 1)
    assert speech_log(page)[muted_at:] == []


def test_refused_or_missing_recognition_says_so_and_typing_works(journey, site):
    own_folder(journey, "voice-no-recognition")
    chat, page = live_page(journey, "dora", 120, 120, mode="denied")
    page.get_by_label("Dictation (speak your answer)").check()
    page.get_by_role("button", name="Start the interview").click()
    wait_reply_done(page, 1)
    page.get_by_role("button", name="Dictate").click()
    expect(page.locator("#dictation-status")).to_have_text(
        "Microphone access was denied, so dictation is off. You can still type your answer."
    )
    expect(page.get_by_role("button", name="Dictate")).to_have_attribute("aria-pressed", "false")
    journey.shot(page, "dictation-denied")
    page.locator("#answer").fill("Typed instead.")
    page.get_by_role("button", name="Send answer").click()
    wait_reply_done(page, 2)
    chat.refresh_from_db()
    assert [m["content"] for m in chat.messages if m["role"] == "user"] == ["Typed instead."]

    _chat, bare = live_page(journey, "abe", 120, mode="absent")
    expect(bare.locator("#dictation-unsupported")).to_be_visible()
    expect(bare.get_by_label("Dictation (speak your answer)")).to_be_hidden()
    bare.get_by_role("button", name="Start the interview").click()
    wait_reply_done(bare, 1)
    expect(bare.get_by_role("button", name="Dictate")).to_be_hidden()
    expect(bare.locator("#answer")).to_be_editable()
    journey.shot(bare, "no-speech-recognition")
