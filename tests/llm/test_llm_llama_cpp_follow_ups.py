"""Opt-in (`make test-llm`): an interview with the follow-up policy on and off, against llama.cpp serving SmolLM2.

Whatever the small model makes of the decision (a follow-up, none, or something unusable that falls back),
the interview completes, with at most the policy's follow-ups and a usage row for every decision made.
"""

import pytest
from channels.db import database_sync_to_async

from interview.models import Chat, TokenUsage
from tests.factories import ChatFactory
from tests.llm.conftest import needs_llama
from tests.sockets.helpers import frames_until, of_type

pytestmark = [
    pytest.mark.llm,
    pytest.mark.django_db(transaction=True),
    needs_llama,
]


@pytest.mark.parametrize("max_follow_ups", [0, 1])
async def test_llama_cpp_interview_completes_with_follow_ups(connect, llama, max_follow_ups):
    chat = await database_sync_to_async(ChatFactory)(
        key_questions=[{"question": "What is a Python list?", "time_limit": 300}], max_follow_ups=max_follow_ups
    )
    ws, _ = await connect(f"/ws/interview/{chat.pk}/", chat.user)
    await ws.send_json_to({"type": "interview.start"})
    await frames_until(ws, of_type("question.started"), timeout=120)
    for turn in range(max_follow_ups + 1):
        await ws.send_json_to({"type": "answer.submit", "id": f"a{turn}", "content": "A list of things."})
        frame = (await frames_until(ws, lambda f: f["type"] in {"question.started", "interview.completed"}, 240))[-1]
        if frame["type"] == "interview.completed":
            break
        assert frame["kind"] == "follow_up" and frame["follow_up"] == 1
    else:
        await frames_until(ws, of_type("interview.completed"), timeout=240)
    stored = await database_sync_to_async(Chat.objects.get)(pk=chat.pk)
    decisions = await database_sync_to_async(
        TokenUsage.objects.filter(chat=chat, request_type="follow_up_decision").count
    )()
    assert stored.status == Chat.COMPLETED and len(stored.key_questions[0].get("follow_ups", [])) <= max_follow_ups
    assert decisions <= max_follow_ups
