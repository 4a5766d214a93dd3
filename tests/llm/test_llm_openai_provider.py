"""The OpenAI provider driven through the real `openai` client against the fake server on 127.0.0.1."""

from __future__ import annotations

import asyncio
import gc
import warnings

import httpx2
import pytest

from interview.llm import get_provider
from interview.llm import openai_provider as provider_module
from interview.llm.base import (
    LLMConnectionError,
    LLMFormatRefused,
    LLMInvalidRequest,
    LLMRateLimited,
    LLMServerError,
    LLMStreamBroken,
    LLMTimeout,
    TokenLimits,
    Usage,
)
from interview.llm.openai_provider import OpenAIProvider
from interview.llm.tokens import count_message_tokens, count_tokens
from tests.fakes.openai_server import FakeResponse, split_tokens, unused_base_url

MESSAGES = [{"role": "system", "content": "You are an interviewer."}, {"role": "user", "content": "Hello."}]
TEXT = "Thanks for that answer. It gives a clear picture of your recent work on the payments team."
SCHEMA = {"type": "object", "properties": {"score": {"type": "integer"}}, "required": ["score"]}


def provider_options(base_url: str) -> dict:
    return dict(
        api_key="test-key",
        base_url=base_url,
        model="gpt-4o-mini",
        connect_timeout=1.0,
        first_token_timeout=1.0,
        chunk_gap_timeout=0.3,
        max_retries=2,
        retry_backoff=0.01,
    )


@pytest.fixture
async def make_provider():
    """Build providers with short timeouts; their pooled connections are closed after the test."""
    built: list[OpenAIProvider] = []

    def make(base_url: str, **overrides) -> OpenAIProvider:
        built.append(OpenAIProvider(**(provider_options(base_url) | overrides)))
        return built[-1]

    yield make
    for provider in built:
        await provider.aclose()


@pytest.fixture
def provider(fake_openai, make_provider) -> OpenAIProvider:
    fake_openai.configure(text=TEXT)
    return make_provider(fake_openai.base_url)


async def collect(stream) -> str:
    return "".join([delta async for delta in stream])


async def test_stream_chat_yields_configured_text(provider):
    assert await collect(provider.stream_chat(MESSAGES)) == TEXT


async def test_stream_chat_yields_multi_token_chunks(provider, fake_openai):
    fake_openai.configure(tokens_per_chunk=4)
    deltas = [delta async for delta in provider.stream_chat(MESSAGES)]
    assert "".join(deltas) == TEXT and len(deltas) == -(-len(split_tokens(TEXT)) // 4)


async def test_stream_chat_sends_the_prompt_as_given_with_the_key(provider, fake_openai):
    messages = [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": 'Quotes " and \\ backslashes, ünïcode, and a\nnew line'},
        {"role": "assistant", "content": ""},
    ]
    await collect(provider.stream_chat(messages))
    request = fake_openai.received[0]
    assert (request.method, request.path) == ("POST", "/v1/chat/completions")
    assert request.headers["authorization"] == "Bearer test-key"
    assert request.body == {
        "model": provider.model_name,
        "messages": messages,
        "stream": True,
        "stream_options": {"include_usage": True},
        "max_tokens": TokenLimits().turn,
    }


async def test_stream_chat_requests_usage_and_max_tokens(provider, fake_openai):
    await collect(provider.stream_chat(MESSAGES, max_tokens=120))
    body = fake_openai.requests[0]
    assert body["stream"] is True and body["stream_options"] == {"include_usage": True} and body["max_tokens"] == 120


async def test_stream_chat_sends_the_turn_limit_by_default(fake_openai, make_provider):
    provider = make_provider(fake_openai.base_url, token_limits=TokenLimits(turn=321, grading=654, parsing=987))
    await collect(provider.stream_chat(MESSAGES))
    assert fake_openai.requests[0]["max_tokens"] == 321


async def test_stream_chat_usage_from_server(provider, fake_openai):
    fake_openai.configure(prompt_tokens=111, completion_tokens=22)
    stream = provider.stream_chat(MESSAGES)
    await collect(stream)
    assert stream.usage == Usage(prompt_tokens=111, completion_tokens=22, estimated=False)


async def test_stream_chat_usage_estimated_without_server_usage(provider, fake_openai):
    fake_openai.configure(usage=False)
    stream = provider.stream_chat(MESSAGES)
    await collect(stream)
    assert stream.usage == Usage(count_message_tokens(MESSAGES), count_tokens(TEXT), estimated=True)


async def test_stream_chat_model_as_reported(provider, fake_openai):
    fake_openai.configure(model="gpt-4o-mini-2024-07-18")
    stream = provider.stream_chat(MESSAGES)
    await collect(stream)
    assert stream.model == "gpt-4o-mini-2024-07-18"


def test_stream_chat_model_is_configured_before_any_chunk(provider):
    assert provider.stream_chat(MESSAGES).model == "gpt-4o-mini"


async def test_stream_chat_stop_estimates_partial_usage(provider, fake_openai):
    fake_openai.configure(pace=0.05)
    stream = provider.stream_chat(MESSAGES)
    async for _ in stream:
        if len(stream.text_so_far) == 3:
            break
    await stream.aclose()
    assert stream.usage == Usage(count_message_tokens(MESSAGES), count_tokens(stream.text), estimated=True)


async def test_stream_chat_stop_closes_the_connection(provider, fake_openai):
    fake_openai.configure(pace=0.05)
    stream = provider.stream_chat(MESSAGES)
    async for _ in stream:
        break
    await stream.aclose()
    assert await asyncio.to_thread(fake_openai.received[0].disconnected.wait, 2)


async def test_stream_chat_cancelled_consumer_closes_the_connection(provider, fake_openai):
    fake_openai.configure(pace=0.05)
    stream = provider.stream_chat(MESSAGES)
    first = asyncio.Event()

    async def consume() -> None:
        async for _ in stream:
            first.set()

    task = asyncio.create_task(consume())
    await first.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert stream.usage is not None and stream.usage.estimated
    assert await asyncio.to_thread(fake_openai.received[0].disconnected.wait, 2)


async def test_stream_chat_first_token_timeout(fake_openai, make_provider):
    fake_openai.configure(first_token_delay=5)
    provider = make_provider(fake_openai.base_url, first_token_timeout=0.2)
    with pytest.raises(LLMTimeout):
        await collect(provider.stream_chat(MESSAGES))


async def test_stream_chat_first_token_timeout_covers_slow_headers(fake_openai, make_provider):
    fake_openai.configure(headers_delay=5)
    provider = make_provider(fake_openai.base_url, first_token_timeout=0.2)
    with pytest.raises(LLMTimeout):
        await collect(provider.stream_chat(MESSAGES))


async def test_stream_chat_chunk_gap_timeout_keeps_partial_text(provider, fake_openai):
    fake_openai.configure(stall_after=2)
    stream = provider.stream_chat(MESSAGES)
    with pytest.raises(LLMTimeout):
        await collect(stream)
    assert stream.text == "".join(split_tokens(TEXT)[:2])


async def test_stream_chat_break_raises_stream_broken_with_partial_text(provider, fake_openai):
    fake_openai.configure(break_after=5)
    stream = provider.stream_chat(MESSAGES)
    with pytest.raises(LLMStreamBroken):
        await collect(stream)
    assert stream.text_so_far == split_tokens(TEXT)[:5]


async def test_stream_chat_usage_estimated_after_break(provider, fake_openai):
    fake_openai.configure(break_after=5)
    stream = provider.stream_chat(MESSAGES)
    with pytest.raises(LLMStreamBroken):
        await collect(stream)
    assert stream.usage == Usage(count_message_tokens(MESSAGES), count_tokens(stream.text), estimated=True)


async def test_stream_chat_no_retry_after_first_token(provider, fake_openai):
    fake_openai.configure(break_after=1)
    with pytest.raises(LLMStreamBroken):
        await collect(provider.stream_chat(MESSAGES))
    assert len(fake_openai.requests) == 1


@pytest.mark.parametrize("style", ["crlf", "comments", "split"])
async def test_stream_chat_reads_every_event_framing(provider, fake_openai, style):
    fake_openai.configure(sse_style=style, prompt_tokens=17, completion_tokens=23)
    stream = provider.stream_chat(MESSAGES)
    assert await collect(stream) == TEXT
    assert stream.usage == Usage(17, 23)


async def test_stream_chat_in_stream_error_raises_stream_broken_with_its_message(provider, fake_openai):
    fake_openai.configure(error_after=3, error_message="The model is overloaded")
    stream = provider.stream_chat(MESSAGES)
    with pytest.raises(LLMStreamBroken, match="The model is overloaded"):
        await collect(stream)
    assert stream.text_so_far == split_tokens(TEXT)[:3]
    assert stream.usage.estimated


async def test_stream_chat_invalid_json_raises_stream_broken(provider, fake_openai):
    fake_openai.configure(garbage_after=2)
    stream = provider.stream_chat(MESSAGES)
    with pytest.raises(LLMStreamBroken, match="invalid JSON"):
        await collect(stream)
    assert stream.text_so_far == split_tokens(TEXT)[:2]


async def test_stream_chat_reuses_the_kept_alive_connection(provider, fake_openai):
    assert await collect(provider.stream_chat(MESSAGES)) == TEXT
    assert await collect(provider.stream_chat(MESSAGES)) == TEXT
    first, second = fake_openai.received
    assert first.peer == second.peer  # the body was read to the end, so the connection went back to the pool


async def test_stream_chat_retries_429_then_succeeds(provider, fake_openai):
    fake_openai.enqueue(FakeResponse(status=429, retry_after=0.01), FakeResponse(status=429, retry_after=0.01))
    assert await collect(provider.stream_chat(MESSAGES)) == TEXT
    assert len(fake_openai.requests) == 3


async def test_stream_chat_caps_retry_after(provider, fake_openai, monkeypatch):
    monkeypatch.setattr(provider_module, "RETRY_AFTER_CAP", 0.01)
    fake_openai.enqueue(FakeResponse(status=429, retry_after=3600))
    assert await collect(provider.stream_chat(MESSAGES)) == TEXT


async def test_stream_chat_persistent_429_raises_rate_limited(provider, fake_openai):
    fake_openai.configure(status=429, retry_after=0.01)
    with pytest.raises(LLMRateLimited):
        await collect(provider.stream_chat(MESSAGES))
    assert len(fake_openai.requests) == 3


async def test_stream_chat_500_raises_server_error_after_retries(provider, fake_openai):
    fake_openai.configure(status=500)
    with pytest.raises(LLMServerError):
        await collect(provider.stream_chat(MESSAGES))
    assert len(fake_openai.requests) == 3


async def test_stream_chat_retries_503_then_succeeds(provider, fake_openai):
    fake_openai.enqueue(FakeResponse(status=503))
    assert await collect(provider.stream_chat(MESSAGES)) == TEXT


async def test_stream_chat_400_is_not_retried(provider, fake_openai):
    fake_openai.configure(status=400)
    with pytest.raises(LLMInvalidRequest):
        await collect(provider.stream_chat(MESSAGES))
    assert len(fake_openai.requests) == 1


async def test_stream_chat_connection_refused_raises_connection_error(make_provider):
    provider = make_provider(unused_base_url())
    with pytest.raises(LLMConnectionError):
        await collect(provider.stream_chat(MESSAGES))


async def test_stream_chat_usage_is_zero_when_nothing_was_served(provider, fake_openai):
    fake_openai.configure(status=500)
    stream = provider.stream_chat(MESSAGES)
    with pytest.raises(LLMServerError):
        await collect(stream)
    assert stream.usage == Usage(0, 0, estimated=True)


async def test_stream_chat_error_carries_code_and_user_message(provider, fake_openai):
    fake_openai.configure(status=429, retry_after=0.01)
    with pytest.raises(LLMRateLimited) as caught:
        await collect(provider.stream_chat(MESSAGES))
    assert caught.value.code == "rate_limited" and "try again" in caught.value.user_message


async def test_complete_json_uses_json_schema(provider, fake_openai):
    fake_openai.configure(text='{"score": 7}', prompt_tokens=40, completion_tokens=5, model="gpt-4o-mini-x")
    result = await provider.complete_json(MESSAGES, schema=SCHEMA, purpose="report scores")
    assert result == ('{"score": 7}', Usage(40, 5), "gpt-4o-mini-x")
    response_format = fake_openai.requests[0]["response_format"]
    assert response_format == {"type": "json_schema", "json_schema": {"name": "report_scores", "schema": SCHEMA}}


async def test_complete_json_falls_back_to_json_object(provider, fake_openai):
    fake_openai.configure(text='{"score": 7}')
    fake_openai.reject_response_formats = {"json_schema"}
    text, _usage, _model = await provider.complete_json(MESSAGES, schema=SCHEMA, purpose="report")
    assert text == '{"score": 7}'
    assert [body["response_format"]["type"] for body in fake_openai.requests] == ["json_schema", "json_object"]


@pytest.mark.parametrize(("purpose", "limit"), [("report", 654), ("job_parse", 987), ("key_questions", 987)])
async def test_complete_json_sends_the_limit_of_its_purpose(fake_openai, make_provider, purpose, limit):
    provider = make_provider(fake_openai.base_url, token_limits=TokenLimits(turn=321, grading=654, parsing=987))
    await provider.complete_json(MESSAGES, schema=SCHEMA, purpose=purpose)
    assert fake_openai.requests[0]["max_tokens"] == limit


async def test_complete_json_sends_an_explicit_limit(provider, fake_openai):
    await provider.complete_json(MESSAGES, schema=SCHEMA, purpose="report", max_tokens=42)
    assert fake_openai.requests[0]["max_tokens"] == 42


async def test_complete_json_falls_back_at_once_on_llama_cpp_500(provider, fake_openai):
    fake_openai.configure(text='{"score": 7}')
    fake_openai.refuse_formats("llama_cpp")
    text, _usage, _model = await provider.complete_json(MESSAGES, schema=SCHEMA, purpose="report")
    assert text == '{"score": 7}'
    assert [body["response_format"]["type"] for body in fake_openai.requests] == ["json_schema", "json_object"]


async def test_complete_json_sends_the_schema_beside_json_object(provider, fake_openai):
    fake_openai.refuse_formats("llama_cpp")
    await provider.complete_json(MESSAGES, schema=SCHEMA, purpose="report")
    assert fake_openai.requests[1]["response_format"] == {"type": "json_object", "schema": SCHEMA}


async def test_complete_json_falls_back_to_plain_on_422(provider, fake_openai):
    fake_openai.configure(text='{"score": 7}')
    fake_openai.refuse_formats("unprocessable")
    text, _usage, _model = await provider.complete_json(MESSAGES, schema=SCHEMA, purpose="report")
    assert text == '{"score": 7}' and len(fake_openai.requests) == 3
    assert "response_format" not in fake_openai.requests[2]


async def test_complete_json_remembers_the_working_format(provider, fake_openai):
    fake_openai.refuse_formats("llama_cpp")
    await provider.complete_json(MESSAGES, schema=SCHEMA, purpose="report")
    fake_openai.received.clear()
    await provider.complete_json(MESSAGES, schema=SCHEMA, purpose="job_parse")
    assert [body["response_format"]["type"] for body in fake_openai.requests] == ["json_object"]


async def test_complete_json_remembers_per_server_and_model(provider, fake_openai, make_provider):
    fake_openai.refuse_formats("unprocessable")
    await provider.complete_json(MESSAGES, schema=SCHEMA, purpose="report")
    fake_openai.reset()
    other_model = make_provider(fake_openai.base_url, model="another-model")
    await other_model.complete_json(MESSAGES, schema=SCHEMA, purpose="report")
    assert fake_openai.requests[0]["response_format"]["type"] == "json_schema"


async def test_complete_json_logs_the_refusal_with_its_details(provider, fake_openai, caplog):
    fake_openai.refuse_formats("llama_cpp")
    with caplog.at_level("WARNING", logger=provider_module.__name__):
        await provider.complete_json(MESSAGES, schema=SCHEMA, purpose="report")
    assert "HTTP 500" in caplog.text and "Input should be 'text' or 'json_object'" in caplog.text


async def test_complete_json_error_not_naming_the_format_is_not_a_fallback(provider, fake_openai):
    fake_openai.configure(status=400, error_message="This model's maximum context length is 4096 tokens.")
    with pytest.raises(LLMInvalidRequest) as caught:
        await provider.complete_json(MESSAGES, schema=SCHEMA, purpose="report")
    assert not isinstance(caught.value, LLMFormatRefused) and len(fake_openai.requests) == 1


async def test_complete_json_unrelated_500_is_retried_with_the_same_format(provider, fake_openai):
    fake_openai.enqueue(FakeResponse(status=500, error_message="CUDA out of memory"))
    await provider.complete_json(MESSAGES, schema=SCHEMA, purpose="report")
    assert [body["response_format"]["type"] for body in fake_openai.requests] == ["json_schema", "json_schema"]


async def test_complete_json_fallback_adds_schema_note(provider, fake_openai):
    fake_openai.reject_response_formats = {"json_schema"}
    await provider.complete_json(MESSAGES, schema=SCHEMA, purpose="report")
    assert '"score"' in fake_openai.requests[1]["messages"][-1]["content"]


async def test_complete_json_falls_back_to_plain(provider, fake_openai):
    fake_openai.reject_response_formats = {"json_schema", "json_object"}
    await provider.complete_json(MESSAGES, schema=SCHEMA, purpose="report")
    assert "response_format" not in fake_openai.requests[2]


async def test_complete_json_returns_invalid_json_verbatim(provider, fake_openai):
    fake_openai.configure(text="Sure! Here is the JSON: {score: seven")
    text, _usage, _model = await provider.complete_json(MESSAGES, schema=SCHEMA, purpose="report")
    assert text == "Sure! Here is the JSON: {score: seven"


async def test_complete_json_estimates_usage_when_unreported(provider, fake_openai):
    fake_openai.configure(text='{"score": 7}', usage=False)
    _text, usage, _model = await provider.complete_json(MESSAGES, schema=SCHEMA, purpose="report")
    assert usage.estimated and usage.completion_tokens == count_tokens('{"score": 7}')


async def test_complete_json_timeout(fake_openai, make_provider):
    fake_openai.configure(stall_after=0)
    provider = make_provider(fake_openai.base_url, first_token_timeout=0.1, chunk_gap_timeout=0.1)
    with pytest.raises(LLMTimeout):
        await provider.complete_json(MESSAGES, schema=SCHEMA, purpose="report")


async def test_complete_json_retries_500(provider, fake_openai):
    fake_openai.configure(text="{}")
    fake_openai.enqueue(FakeResponse(status=500))
    assert (await provider.complete_json(MESSAGES, schema=SCHEMA, purpose="report"))[0] == "{}"


def test_get_provider_builds_openai_provider_from_settings(settings):
    settings.LLM_OFFLINE = False
    settings.OPENAI_BASE_URL = "http://127.0.0.1:9/v1"
    settings.OPENAI_MODEL = "gpt-4.1-mini"
    settings.LLM_FIRST_TOKEN_TIMEOUT = 7.0
    provider = get_provider()
    assert isinstance(provider, OpenAIProvider) and provider.model_name == "gpt-4.1-mini"
    assert provider.first_token_timeout == 7.0 and not provider.is_offline


def test_get_provider_takes_token_limits_from_settings(settings):
    settings.LLM_OFFLINE = False
    settings.OPENAI_BASE_URL = "http://127.0.0.1:9/v1"
    settings.LLM_MAX_TOKENS_TURN, settings.LLM_MAX_TOKENS_GRADING, settings.LLM_MAX_TOKENS_PARSING = 11, 22, 33
    assert get_provider().token_limits == TokenLimits(turn=11, grading=22, parsing=33)


def test_token_limits_refuse_zero():
    with pytest.raises(ValueError):
        TokenLimits(turn=0)


def test_get_provider_reuses_instance_for_same_settings(settings):
    settings.LLM_OFFLINE = False
    settings.OPENAI_BASE_URL = "http://127.0.0.1:9/v1"
    assert get_provider() is get_provider()


def test_get_provider_new_instance_when_settings_change(settings):
    settings.LLM_OFFLINE = False
    settings.OPENAI_BASE_URL = "http://127.0.0.1:9/v1"
    first = get_provider()
    settings.OPENAI_MODEL = "another-model"
    assert get_provider() is not first


def test_stream_chat_works_across_event_loops(fake_openai):
    fake_openai.configure(text=TEXT)
    provider = OpenAIProvider(**provider_options(fake_openai.base_url))

    async def once() -> str:
        try:
            return await collect(provider.stream_chat(MESSAGES))
        finally:
            await provider.aclose()

    assert [asyncio.run(once()) for _ in range(2)] == [TEXT, TEXT]


def test_stream_chat_drops_clients_of_closed_loops(fake_openai):
    provider = OpenAIProvider(**provider_options(fake_openai.base_url))
    # Dropped clients leave their pooled sockets to the garbage collector, which warns about them.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        for _ in range(3):
            asyncio.run(collect(provider.stream_chat(MESSAGES)))
        assert len(provider._clients) == 1
        provider._clients.clear()
        gc.collect()


@pytest.mark.parametrize(
    "body",
    [
        b'data: {"a":1}\n\ndata: {"a":2}\n\n',
        b'data: {"a":1}\r\n\r\ndata: {"a":2}',
        b': ping\ndata:{"a":1}\n\ndata: {"a":2}\n',
    ],
)
async def test_sse_data_reads_events_however_the_body_is_framed_or_ends(body):
    response = httpx2.Response(200, content=body)
    assert [data async for data in provider_module._sse_data(response)] == [b'{"a":1}', b'{"a":2}']


async def test_complete_json_reusing_connections_keeps_the_loops_connection(make_provider, fake_openai):
    provider = make_provider(fake_openai.base_url)
    fake_openai.configure(text='{"score": 7}')
    await provider.complete_json(MESSAGES, schema=SCHEMA, purpose="follow_up_decision", reuse_connections=True)
    await provider.complete_json(MESSAGES, schema=SCHEMA, purpose="follow_up_decision", reuse_connections=True)
    first, second = fake_openai.received
    assert first.peer == second.peer


async def test_complete_json_by_default_opens_and_closes_its_own_connection(make_provider, fake_openai):
    provider = make_provider(fake_openai.base_url)
    fake_openai.configure(text='{"score": 7}')
    await provider.complete_json(MESSAGES, schema=SCHEMA, purpose="report")
    await provider.complete_json(MESSAGES, schema=SCHEMA, purpose="report")
    first, second = fake_openai.received
    assert first.peer != second.peer
