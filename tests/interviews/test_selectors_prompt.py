"""The interview prompt a chat's turn is built from."""

from __future__ import annotations

import pytest

from interview.interviews import transcript as s
from interview.interviews.selectors import chat_fence_nonce, chat_prompt_build
from tests.factories import ChatFactory

pytestmark = pytest.mark.django_db


def _chat_with_turn():
    chat = ChatFactory(key_questions=[{"question": "Why us?", "time_limit": 60}])
    placeholder = {
        "id": "m-1",
        "role": "assistant",
        "content": "",
        "turn": s.TurnPlan(kind="opening", question_index=0).as_dict(),
    }
    chat.messages = [placeholder]
    chat.save()
    return chat


def test_chat_prompt_build_system_prompt_is_the_same_on_every_build():
    chat = _chat_with_turn()
    first, _, _ = chat_prompt_build(chat, "m-1")
    second, _, _ = chat_prompt_build(chat, "m-1")
    assert first[0]["content"] == second[0]["content"]


def test_chat_prompt_build_fences_with_the_chat_nonce():
    chat = _chat_with_turn()
    messages, _, _ = chat_prompt_build(chat, "m-1")
    assert f"<<<BEGIN RESUME {chat_fence_nonce(chat.pk)}>>>" in messages[0]["content"]


def test_chat_fence_nonce_differs_between_chats():
    assert chat_fence_nonce(1) != chat_fence_nonce(2)


def test_chat_fence_nonce_depends_on_the_secret_key(settings):
    before = chat_fence_nonce(1)
    settings.SECRET_KEY = "another-secret-key-for-this-test-only-0123456789"
    assert chat_fence_nonce(1) != before
