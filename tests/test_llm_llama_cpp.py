"""Opt-in (`make test-llm`): the interview flow against llama.cpp serving SmolLM2, a server we did not write."""

import os

import pytest
from channels.db import database_sync_to_async

from interview.models import Chat, TokenUsage
from tests.consumers.helpers import connect, delta_text, frames_until, of_type
from tests.factories import ChatFactory

BASE_URL = os.environ.get("LLAMA_BASE_URL", "")

pytestmark = [
    pytest.mark.llm,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not BASE_URL, reason="needs LLAMA_BASE_URL: run `make test-llm`"),
]


@pytest.fixture
def llama(settings):
    settings.OPENAI_BASE_URL = BASE_URL
    settings.OPENAI_API_KEY = ""
    settings.OPENAI_MODEL = "smollm2"
    settings.LLM_OFFLINE = False
    settings.LLM_FIRST_TOKEN_TIMEOUT = 60
    settings.LLM_CHUNK_GAP_TIMEOUT = 30


async def test_llama_cpp_streams_an_interview_turn(llama):
    chat = await database_sync_to_async(ChatFactory)(
        key_questions=[
            {"question": "What is a Python list?", "time_limit": 300},
            {"question": "Why test code?", "time_limit": 300},
        ]
    )
    ws, _ = await connect(f"/ws/interview/{chat.pk}/", chat.user)
    await ws.send_json_to({"type": "interview.start"})
    opening = await frames_until(ws, of_type("question.started"), timeout=120)
    await ws.send_json_to({"type": "answer.submit", "id": "a1", "content": "A mutable sequence of items."})
    reply = await frames_until(ws, of_type("question.started"), timeout=120)
    await ws.disconnect()
    stored = await database_sync_to_async(Chat.objects.get)(pk=chat.pk)
    first, _answer, second = stored.messages
    assert delta_text(opening, first["id"]) == first["content"] and first["content"].endswith("What is a Python list?")
    assert len(first["content"]) > len("What is a Python list?") + 10  # the model said something first
    assert delta_text(reply, second["id"]) == second["content"] and second["status"] == "complete"
    usage = await database_sync_to_async(list)(
        TokenUsage.objects.filter(chat=chat).values_list("estimated", "completion_tokens")
    )
    assert len(usage) == 2 and all(estimated and tokens > 0 for estimated, tokens in usage)
