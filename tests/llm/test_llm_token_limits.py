"""Every LLM call sends the max_tokens of its purpose (settings LLM_MAX_TOKENS_*), seen at the fake server."""

import json

import pytest
from channels.db import database_sync_to_async

from interview.interviews.chats import chat_create
from tests.factories import ChatFactory
from tests.fakes.openai_server import FakeResponse
from tests.sockets.helpers import frames_until, of_type


@pytest.mark.django_db(transaction=True)
async def test_interview_turn_sends_the_turn_token_limit(connect, llm, settings):
    settings.LLM_MAX_TOKENS_TURN = 321
    chat = await database_sync_to_async(ChatFactory)(key_questions=[{"question": "Why tests?", "time_limit": 60}])
    ws, _ = await connect(f"/ws/interview/{chat.pk}/", chat.user)
    await ws.send_json_to({"type": "interview.start"})
    await frames_until(ws, of_type("question.started"))
    await ws.disconnect()
    assert llm.requests[0]["stream"] is True and llm.requests[0]["max_tokens"] == 321


@pytest.mark.django_db
def test_key_question_proposal_sends_the_parsing_token_limit(user, llm, settings):
    settings.LLM_MAX_TOKENS_PARSING = 456
    items = [{"question": f"Question {i}?", "time_limit": 240, "difficulty": "medium"} for i in range(4)]
    llm.enqueue(FakeResponse(text=json.dumps({"questions": items})))
    chat_create(user=user, title="Practice", type="SKL", difficulty=6)
    assert llm.requests[0]["response_format"]["type"] == "json_schema" and llm.requests[0]["max_tokens"] == 456
