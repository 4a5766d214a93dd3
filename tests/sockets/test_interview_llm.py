"""The interview driven through the real openai client against the fake OpenAI-compatible server."""

import asyncio

import pytest
from channels.db import database_sync_to_async

from interview.models import Chat, TokenUsage
from tests.factories import ChatFactory
from tests.fakes.openai_server import FakeResponse, unused_base_url
from tests.sockets.helpers import delta_text, frames_until, of_type

pytestmark = pytest.mark.django_db(transaction=True)

QUESTION = "Explain Python's GIL."
REPLY = "Thanks for joining. This is a technical interview with one timed question, so take your time."


@database_sync_to_async
def make_chat():
    return ChatFactory(
        key_questions=[{"question": QUESTION, "time_limit": 120}, {"question": "Why tests?", "time_limit": 60}]
    )


@database_sync_to_async
def stored(chat, index):
    return Chat.objects.get(pk=chat.pk).messages[index]


@database_sync_to_async
def usage_rows(chat):
    return list(TokenUsage.objects.filter(chat=chat).order_by("id"))


async def started_socket(connect, llm, chat):
    ws, _ = await connect(f"/ws/interview/{chat.pk}/", chat.user)
    await ws.send_json_to({"type": "interview.start"})
    return ws


def message_id(frames):
    return next(
        f["message"]["id"] for f in frames if f["type"] == "message.created" and f["message"]["role"] == "assistant"
    )


async def test_stream_text_equals_stored_and_upstream(connect, llm):
    llm.configure(text=REPLY, tokens_per_chunk=2)
    chat = await make_chat()
    ws = await started_socket(connect, llm, chat)
    frames = await frames_until(ws, of_type("question.started"))
    await ws.disconnect()
    message = await stored(chat, 0)
    assert (
        delta_text(frames, message["id"])
        == message["content"]
        == f"{REPLY}\n\n" + message["content"].split("\n\n", 1)[1]
    )
    assert message["content"].startswith(REPLY) and message["content"].endswith(QUESTION)


async def test_usage_reported_by_server_is_recorded(connect, llm):
    llm.configure(text=REPLY, prompt_tokens=321, completion_tokens=17, model="gpt-4o-mini-2024-07-18")
    chat = await make_chat()
    ws = await started_socket(connect, llm, chat)
    frames = await frames_until(ws, of_type("assistant.done"))
    await ws.disconnect()
    assert frames[-1]["usage"] == {"prompt_tokens": 321, "completion_tokens": 17, "estimated": False}
    row = (await usage_rows(chat))[0]
    assert (row.model_name, row.prompt_tokens, row.completion_tokens, row.estimated) == (
        "gpt-4o-mini-2024-07-18",
        321,
        17,
        False,
    )


async def test_usage_is_estimated_when_server_reports_none(connect, llm):
    llm.configure(text=REPLY, usage=False)
    chat = await make_chat()
    ws = await started_socket(connect, llm, chat)
    frames = await frames_until(ws, of_type("assistant.done"))
    await ws.disconnect()
    usage = frames[-1]["usage"]
    assert usage["estimated"] is True and usage["completion_tokens"] > 5 and usage["prompt_tokens"] > 50


async def test_prompt_carries_interview_rules(connect, llm):
    llm.configure(text=REPLY)
    chat = await make_chat()
    ws = await started_socket(connect, llm, chat)
    await frames_until(ws, of_type("assistant.done"))
    await ws.disconnect()
    body = llm.requests[0]
    assert body["stream"] is True and body["stream_options"] == {"include_usage": True}
    assert body["messages"][0]["role"] == "system"


async def test_reconnect_mid_stream_resumes_without_gap_or_duplicate(connect, llm):
    llm.configure(text=" ".join(f"word{i}" for i in range(60)), pace=0.02)
    chat = await make_chat()
    first = await started_socket(connect, llm, chat)
    await frames_until(first, lambda f: f["type"] == "assistant.delta" and f["offset"] > 40)
    await first.disconnect()  # the candidate refreshes the page
    second, snapshot = await connect(f"/ws/interview/{chat.pk}/", chat.user)
    generation = snapshot["generation"]
    assert generation is not None and len(generation["text"]) > 40
    frames = await frames_until(second, of_type("assistant.done"))
    await second.disconnect()
    message = await stored(chat, 0)
    assert (
        generation["text"] + delta_text(frames, generation["message_id"], start=len(generation["text"]))
        == message["content"]
    )


async def test_second_tab_sees_same_text(connect, llm):
    llm.configure(text=REPLY, pace=0.01)
    chat = await make_chat()
    first = await started_socket(connect, llm, chat)
    second, snapshot = await connect(f"/ws/interview/{chat.pk}/", chat.user)
    frames_a = await frames_until(first, of_type("question.started"))
    frames_b = await frames_until(second, of_type("question.started"))
    await first.disconnect()
    await second.disconnect()
    mid = message_id(frames_a)
    start = len(snapshot["generation"]["text"]) if snapshot["generation"] else 0
    prefix = snapshot["generation"]["text"] if snapshot["generation"] else ""
    assert (
        prefix + delta_text(frames_b, mid, start=start)
        == delta_text(frames_a, mid)
        == (await stored(chat, 0))["content"]
    )


async def test_generation_survives_disconnect(connect, llm):
    llm.configure(text=REPLY, pace=0.02)
    chat = await make_chat()
    ws = await started_socket(connect, llm, chat)
    await frames_until(ws, of_type("assistant.delta"))
    await ws.disconnect()
    for _ in range(100):
        message = await stored(chat, 0)
        if message["status"] != "streaming":
            break
        await asyncio.sleep(0.05)
    assert message["status"] == "complete" and message["content"].startswith(REPLY)
    later, snapshot = await connect(f"/ws/interview/{chat.pk}/", chat.user)
    await later.disconnect()
    assert snapshot["messages"][0]["content"] == message["content"] and snapshot["question"]["index"] == 0


async def test_stop_keeps_partial_text_and_delivers_question(connect, llm):
    llm.configure(text=" ".join(f"w{i}" for i in range(200)), pace=0.02)
    chat = await make_chat()
    ws = await started_socket(connect, llm, chat)
    await frames_until(ws, lambda f: f["type"] == "assistant.delta" and f["offset"] > 10)
    await ws.send_json_to({"type": "generation.stop"})
    frames = await frames_until(ws, of_type("question.started"))
    await ws.disconnect()
    done = next(f for f in frames if f["type"] == "assistant.done")
    message = await stored(chat, 0)
    assert done["status"] == "stopped" == message["status"]
    assert (
        message["content"].startswith("w0 w1")
        and "w199" not in message["content"]
        and message["content"].endswith(QUESTION)
    )
    assert llm.received[0].disconnected.wait(2)
    assert (await usage_rows(chat))[0].estimated is True


async def test_answer_while_streaming_is_busy(connect, llm):
    llm.configure(text=REPLY, pace=0.05)
    chat = await make_chat()
    ws = await started_socket(connect, llm, chat)
    await frames_until(ws, of_type("assistant.delta"))
    await ws.send_json_to({"type": "answer.submit", "id": "early", "content": "Hello?"})
    frames = await frames_until(ws, of_type("error"))
    await ws.send_json_to({"type": "generation.stop"})
    await frames_until(ws, of_type("assistant.done"))
    await ws.disconnect()
    assert (frames[-1]["code"], frames[-1]["client_id"]) == ("busy", "early")


async def test_duplicate_submit_calls_llm_once(connect, llm):
    llm.configure(text=REPLY)
    chat = await make_chat()
    ws = await started_socket(connect, llm, chat)
    await frames_until(ws, of_type("question.started"))
    await ws.send_json_to({"type": "answer.submit", "id": "dup", "content": "The GIL serialises bytecode."})
    await ws.send_json_to({"type": "answer.submit", "id": "dup", "content": "The GIL serialises bytecode."})
    await frames_until(ws, of_type("question.started"))
    await ws.disconnect()
    assert len(llm.requests) == 2


@pytest.mark.parametrize(
    ("response", "code"),
    [
        (FakeResponse(status=429, retry_after=0.01), "rate_limited"),
        (FakeResponse(status=500), "upstream"),
        (FakeResponse(status=503), "upstream"),
        (FakeResponse(text=REPLY, pace=0.01, stall_after=3), "upstream"),
        (FakeResponse(text=REPLY, break_after=3), "upstream"),
        (FakeResponse(text=REPLY, first_token_delay=5), "upstream"),
    ],
    ids=["429", "500", "503", "stall", "break", "no-first-token"],
)
async def test_upstream_failure_ends_turn_with_error_and_keeps_text(connect, llm, response, code):
    llm.configure(
        **{
            k: getattr(response, k)
            for k in ("status", "retry_after", "text", "pace", "stall_after", "break_after", "first_token_delay")
        }
    )
    chat = await make_chat()
    ws = await started_socket(connect, llm, chat)
    frames = await frames_until(ws, of_type("error"), timeout=15)
    await ws.disconnect()
    done = next(f for f in frames if f["type"] == "assistant.done")
    message = await stored(chat, 0)
    assert done["status"] == "error" == message["status"]
    assert frames[-1]["code"] == code and frames[-1]["retryable"] is True and frames[-1]["message"]
    assert message["content"] == delta_text(frames, message["id"])  # partial text kept, as streamed
    assert QUESTION not in message["content"]
    assert len(await usage_rows(chat)) == 1


async def test_connection_refused_is_upstream_error(connect, settings, llm):
    settings.OPENAI_BASE_URL = unused_base_url()
    chat = await make_chat()
    ws = await started_socket(connect, llm, chat)
    frames = await frames_until(ws, of_type("error"), timeout=15)
    await ws.disconnect()
    assert frames[-1]["code"] == "upstream"


async def test_retry_after_failure_delivers_the_turn(connect, llm):
    llm.enqueue(FakeResponse(status=500), FakeResponse(status=500))
    llm.configure(text=REPLY)
    chat = await make_chat()
    ws = await started_socket(connect, llm, chat)
    await frames_until(ws, of_type("error"))
    await ws.send_json_to({"type": "generation.retry"})
    frames = await frames_until(ws, of_type("question.started"))
    await ws.disconnect()
    retried = await stored(chat, 1)
    assert retried["status"] == "complete" and retried["content"].startswith(REPLY)
    assert delta_text(frames, retried["id"]) == retried["content"]


async def test_answer_failure_keeps_candidate_answer(connect, llm):
    llm.configure(text=REPLY)
    chat = await make_chat()
    ws = await started_socket(connect, llm, chat)
    await frames_until(ws, of_type("question.started"))
    llm.enqueue(FakeResponse(status=500), FakeResponse(status=500))
    await ws.send_json_to({"type": "answer.submit", "id": "a1", "content": "It is a mutex around the interpreter."})
    await frames_until(ws, of_type("error"))
    await ws.disconnect()
    assert (await stored(chat, 1))["content"] == "It is a mutex around the interpreter."


async def test_retry_without_failure_is_refused(connect, llm):
    llm.configure(text=REPLY)
    chat = await make_chat()
    ws = await started_socket(connect, llm, chat)
    await frames_until(ws, of_type("question.started"))
    await ws.send_json_to({"type": "generation.retry"})
    error = await ws.receive_json_from()
    await ws.disconnect()
    assert error["code"] == "nothing_to_retry"
