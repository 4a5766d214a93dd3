"""The quota at the live interview's start, over the socket: refused with quota_exceeded before it starts, never
cut off once started; the monthly cap hands new interviews to the offline interviewer (labelled) or refuses them."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async
from django.db.models import Sum

from interview.models import Chat, TokenUsage
from tests.factories import ChatFactory, InvitationFactory, TokenUsageFactory, UserFactory
from tests.sockets.helpers import frames_until, of_type

pytestmark = pytest.mark.django_db(transaction=True)

QUESTIONS = [{"question": "Explain Python's GIL.", "time_limit": 120}, {"question": "Why tests?", "time_limit": 120}]
REPLY = "Thank you. Let us continue with the next part of the interview."


@pytest.fixture
def budgets(settings):
    settings.LLM_DAILY_TOKENS = {"candidate": 100, "interviewer": 100}
    settings.LLM_MONTHLY_BUDGET_USD = 0.0
    return settings


@database_sync_to_async
def chat_with_usage(tokens: int, *, invited_by_spent: int | None = None):
    chat = ChatFactory(key_questions=QUESTIONS)
    if tokens:
        TokenUsageFactory(user=chat.user, model_name="gpt-4o-mini", prompt_tokens=tokens, completion_tokens=0)
    if invited_by_spent is not None:
        inviter = UserFactory(role="interviewer")
        InvitationFactory(interviewer=inviter, candidate_email=chat.user.email, chat=chat)
        TokenUsageFactory(user=inviter, model_name="gpt-4o-mini", prompt_tokens=invited_by_spent, completion_tokens=0)
    return chat


@database_sync_to_async
def fresh(chat):
    return Chat.objects.get(pk=chat.pk)


@database_sync_to_async
def tokens_of(chat):
    totals = TokenUsage.objects.filter(chat=chat).aggregate(p=Sum("prompt_tokens"), c=Sum("completion_tokens"))
    return (totals["p"] or 0) + (totals["c"] or 0)


async def start(connect, chat):
    ws, snapshot = await connect(f"/ws/interview/{chat.pk}/", chat.user)
    await ws.send_json_to({"type": "interview.start"})
    return ws, snapshot


async def test_start_over_budget_is_an_error_frame_with_the_reset(connect, llm, budgets):
    chat = await chat_with_usage(100)

    ws, _ = await start(connect, chat)
    frame = (await frames_until(ws, of_type("error")))[-1]

    assert (frame["code"], frame["scope"]) == ("quota_exceeded", "daily")
    assert frame["retry_after"] > 0 and frame["resets_at"].endswith("T00:00:00Z")
    assert "daily AI budget of 100 tokens is used up" in frame["message"]
    assert (await fresh(chat)).status == Chat.NOT_STARTED and llm.requests == []


async def test_invited_interview_is_refused_when_the_inviter_is_over_budget(connect, llm, budgets):
    chat = await chat_with_usage(0, invited_by_spent=100)

    ws, _ = await start(connect, chat)
    frame = (await frames_until(ws, of_type("error")))[-1]

    assert frame["code"] == "quota_exceeded"
    assert frame["message"].startswith("The inviting interviewer's daily AI budget of 100 tokens is used up.")


async def test_invited_interview_ignores_the_candidates_own_budget(connect, llm, budgets):
    llm.configure(text=REPLY)
    chat = await chat_with_usage(500, invited_by_spent=0)

    ws, _ = await start(connect, chat)

    assert (await frames_until(ws, of_type("question.started")))[-1]["index"] == 0


async def test_started_interview_finishes_past_its_budget(connect, llm, budgets):
    llm.configure(text=REPLY, prompt_tokens=321, completion_tokens=17)  # one turn is over the day's 100 tokens
    chat = await chat_with_usage(0)
    ws, _ = await start(connect, chat)
    await frames_until(ws, of_type("question.started"))

    await ws.send_json_to({"type": "answer.submit", "id": "a1", "content": "The GIL serialises bytecode."})
    second = await frames_until(ws, of_type("question.started"))
    await ws.send_json_to({"type": "answer.submit", "id": "a2", "content": "Tests catch regressions."})
    closing = await frames_until(ws, of_type("interview.completed"))

    assert second[-1]["index"] == 1 and not [f for f in second + closing if f["type"] == "error"]
    assert (await fresh(chat)).status == Chat.COMPLETED
    assert await tokens_of(chat) > 3 * 100


@pytest.fixture
def month_spent(budgets):
    """$1 a month, all of it already spent (gpt-4o: 0.03 per 1K prompt tokens)."""
    budgets.LLM_DAILY_TOKENS = {}
    budgets.LLM_MONTHLY_BUDGET_USD = 1.0
    TokenUsageFactory(model_name="gpt-4o", prompt_tokens=40_000, completion_tokens=0)
    return budgets


async def test_monthly_cap_hands_new_interviews_to_the_offline_interviewer_labelled(connect, llm, month_spent):
    month_spent.LLM_BUDGET_EXCEEDED = "offline"
    chat = await chat_with_usage(0)

    ws, snapshot = await start(connect, chat)
    await frames_until(ws, of_type("question.started"))
    stored = await fresh(chat)

    assert (snapshot["offline"], snapshot["chat"]["offline_reason"]) == (True, "budget")  # said before the start
    assert (stored.interviewer_model, stored.offline_reason) == ("offline-interviewer", "budget")
    assert llm.requests == []


async def test_monthly_cap_refuse_mode_is_an_error_frame(connect, llm, month_spent):
    month_spent.LLM_BUDGET_EXCEEDED = "refuse"
    chat = await chat_with_usage(0)

    ws, _ = await start(connect, chat)
    frame = (await frames_until(ws, of_type("error")))[-1]

    assert (frame["code"], frame["scope"]) == ("quota_exceeded", "monthly")
    assert (await fresh(chat)).status == Chat.NOT_STARTED and llm.requests == []


async def test_offline_interviewer_starts_whatever_the_budget(connect, offline_llm, budgets):
    chat = await chat_with_usage(10_000)

    ws, _ = await start(connect, chat)

    assert (await frames_until(ws, of_type("question.started")))[-1]["index"] == 0
