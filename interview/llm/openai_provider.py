"""The OpenAI-compatible provider: the only module that imports `openai` (and its HTTP client)."""

from __future__ import annotations

import asyncio
import json
import logging
import re
from collections.abc import AsyncGenerator, Awaitable, Callable
from typing import Any, TypeVar, cast

import httpx2
import openai
import orjson
from openai.types.chat import ChatCompletion, ChatCompletionChunk, ChatCompletionMessageParam
from openai.types.chat.completion_create_params import ResponseFormat
from openai.types.completion_usage import CompletionUsage

from interview.llm.base import (
    LLMConnectionError,
    LLMError,
    LLMFormatRefused,
    LLMInvalidRequest,
    LLMRateLimited,
    LLMServerError,
    LLMStream,
    LLMStreamBroken,
    LLMTimeout,
    TokenLimits,
    Turn,
    Usage,
)
from interview.llm.tokens import count_message_tokens, count_tokens
from interview.llm.transport import http_transport

logger = logging.getLogger(__name__)

T = TypeVar("T")
Messages = list[dict[str, str]]

# A server's Retry-After is honoured only this long; a longer wait is a failure the user should see.
RETRY_AFTER_CAP = 2.0
BACKOFF_CAP = 2.0
# Servers without API keys (llama.cpp, vLLM) still need a non-empty key for the client to start.
PLACEHOLDER_API_KEY = "sk-no-key-required"
# The openai client's own defaults, which it applies only to the transport it makes itself.
CONNECTION_LIMITS = httpx2.Limits(max_connections=1000, max_keepalive_connections=100)
JSON_FALLBACK_NOTE = "Reply with one JSON object only, no prose, matching this JSON schema:\n"
# An error body naming one of these is a refusal of the structured-output format, whatever its status.
FORMAT_WORDS = ("response_format", "response format", "json_schema", "json_object")

# Per (base URL, model), the index in `_response_formats` of the first format the server accepted, kept for
# the life of the process so later calls skip the formats it refused.
_working_formats: dict[tuple[str, str], int] = {}


class OpenAIProvider:
    """Streams chat completions from an OpenAI-compatible server, retrying only before the first token."""

    is_offline = False

    def __init__(
        self,
        *,
        api_key: str,
        base_url: str,
        model: str,
        connect_timeout: float,
        first_token_timeout: float,
        chunk_gap_timeout: float,
        max_retries: int,
        retry_backoff: float = 0.25,
        token_limits: TokenLimits = TokenLimits(),
    ) -> None:
        self.api_key = api_key or PLACEHOLDER_API_KEY
        self.base_url = base_url or None
        self.model_name = model
        self.connect_timeout = connect_timeout
        self.first_token_timeout = first_token_timeout
        self.chunk_gap_timeout = chunk_gap_timeout
        self.max_retries = max(0, max_retries)
        self.retry_backoff = retry_backoff
        self.token_limits = token_limits
        # HTTP connections belong to the event loop that opened them, so each loop gets its own client.
        self._clients: dict[asyncio.AbstractEventLoop, openai.AsyncOpenAI] = {}

    # --- public interface ----------------------------------------------------------------------

    def stream_chat(self, messages: Messages, *, turn: Turn | None = None, max_tokens: int | None = None) -> LLMStream:
        """Start streaming (lazily, on first iteration); `usage` and `model` are set when iteration ends."""
        limit = self.token_limits.turn if max_tokens is None else max_tokens
        return LLMStream.from_producer(
            lambda stream: self._produce(stream, list(messages), limit), model=self.model_name
        )

    async def complete_json(
        self,
        messages: Messages,
        *,
        schema: dict[str, Any],
        purpose: str,
        max_tokens: int | None = None,
        reuse_connections: bool = False,
    ) -> tuple[str, Usage, str]:
        """Return one JSON completion in the first format the server accepts: json_schema, json_object, plain.

        A refusal of the format (any status, its body naming the format) moves to the next one at once, and
        the accepted one is remembered for this server and model; plain text is left to the caller to validate.
        """
        limit = self.token_limits.for_purpose(purpose) if max_tokens is None else max_tokens
        if reuse_connections:  # the server's own loop: its kept-alive connections, no connect per call
            return await self._complete_json(self._client(), messages, schema, purpose, limit)
        # A client of its own, closed at the end: these calls often run in a short-lived async_to_sync loop.
        async with self._new_client() as client:
            return await self._complete_json(client, messages, schema, purpose, limit)

    async def _complete_json(
        self, client: openai.AsyncOpenAI, messages: Messages, schema: dict[str, Any], purpose: str, max_tokens: int
    ) -> tuple[str, Usage, str]:
        formats = _response_formats(schema, purpose)
        key = (self.base_url or "", self.model_name)
        for index in range(_working_formats.get(key, 0), len(formats)):
            response_format = formats[index]
            request_messages = messages if index == 0 else _with_schema_note(messages, schema)
            try:
                completion = await self._complete(client, request_messages, response_format, max_tokens)
            except LLMFormatRefused as exc:  # never raised for the last, plain request
                logger.warning(
                    "LLM %s at %s refused response_format %s for %s; falling back: %s",
                    self.model_name, key[0] or "the default URL", _format_name(response_format), purpose, exc,
                )  # fmt: skip
                continue
            _working_formats[key] = index
            text = (completion.choices[0].message.content if completion.choices else None) or ""
            return text, _usage(completion.usage, request_messages, text), completion.model or self.model_name
        raise AssertionError("unreachable")  # pragma: no cover

    async def aclose(self) -> None:
        """Close the HTTP client of the running event loop (its pooled keep-alive connections); safe to repeat."""
        client = self._clients.pop(asyncio.get_running_loop(), None)
        if client is not None:
            await client.close()

    # --- streaming -----------------------------------------------------------------------------

    async def _produce(
        self, stream: LLMStream, messages: Messages, max_tokens: int | None
    ) -> AsyncGenerator[str, None]:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.first_token_timeout
        upstream: openai.AsyncStream[ChatCompletionChunk] | None = None
        events: AsyncGenerator[bytes, None] | None = None
        reported: Usage | None = None
        try:
            upstream = await self._with_retries(lambda: self._open_stream(messages, max_tokens), deadline)
            events = _sse_data(upstream.response)
            started = False
            while True:
                limit = self.chunk_gap_timeout if started else deadline - loop.time()
                data = await self._next_event(events, limit, started)
                if data is None or data.startswith(b"[DONE]"):
                    break
                model, usage, deltas = _decode_chunk(data)
                stream.model = model or stream.model
                reported = usage or reported
                for delta in deltas:
                    started = True
                    stream.text_so_far.append(delta)
                    yield delta
            if data is not None:  # after [DONE]: read the rest so the kept-alive connection can be reused
                await _drain(events, self.chunk_gap_timeout)
        finally:
            if upstream is not None:
                await _close_quietly(upstream, events)
                stream.usage = reported or _estimated_usage(messages, stream.text)
            else:  # nothing reached the model
                stream.usage = Usage(prompt_tokens=0, completion_tokens=0, estimated=True)

    async def _open_stream(self, messages: Messages, max_tokens: int | None) -> openai.AsyncStream[ChatCompletionChunk]:
        """Send the request with the official client and return its stream, its body still unread.

        The client builds, authenticates and sends the request and raises its status errors. Two of
        its per-request costs are skipped, both measured (docs/performance.md): the body goes through
        `post` as plain JSON, not through `chat.completions.create`, whose type-directed transform of
        the prompt took ~150 µs per message on the event loop (3 ms for a 20-message transcript); and
        the response's events are read by `_sse_data`, not by iterating the stream, which would build
        a pydantic `ChatCompletionChunk` per token.
        """
        body: dict[str, Any] = {
            "model": self.model_name,
            "messages": messages,
            "stream": True,
            "stream_options": {"include_usage": True},
        }
        if max_tokens is not None:
            body["max_tokens"] = max_tokens
        return await self._client().post(
            "/chat/completions",
            cast_to=ChatCompletion,
            body=body,
            options={"security": {"bearer_auth": True}},
            stream=True,
            stream_cls=openai.AsyncStream[ChatCompletionChunk],
        )

    async def _next_event(self, events: AsyncGenerator[bytes, None], limit: float, started: bool) -> bytes | None:
        """Return the next event's data, None at the end, or raise the mapped error within `limit` seconds."""
        try:
            async with asyncio.timeout(max(limit, 0.0)):
                return await anext(events)
        except StopAsyncIteration:
            return None
        except TimeoutError:
            waited = "between chunks" if started else "for the first token"
            raise LLMTimeout(f"No data from the model {waited} within {limit:.1f}s") from None
        except (httpx2.HTTPError, openai.APIError, ValueError) as exc:
            # Headers arrived, so the request was accepted: any failure now is a broken stream.
            raise LLMStreamBroken(f"Stream broke: {type(exc).__name__}: {exc}") from exc

    # --- non-streamed --------------------------------------------------------------------------

    async def _complete(
        self,
        client: openai.AsyncOpenAI,
        messages: Messages,
        response_format: dict[str, Any] | None,
        max_tokens: int,
    ) -> ChatCompletion:
        """One completion, retried like a stream's request, except a refusal of `response_format` (not retried)."""
        deadline = asyncio.get_running_loop().time() + self.first_token_timeout + self.chunk_gap_timeout
        fmt = openai.omit if response_format is None else cast(ResponseFormat, response_format)

        async def call() -> ChatCompletion:
            try:
                return await client.chat.completions.create(
                    model=self.model_name, messages=_as_params(messages), response_format=fmt, max_tokens=max_tokens
                )
            except openai.APIStatusError as exc:
                if response_format is not None and _refuses_format(exc):
                    raise LLMFormatRefused(f"HTTP {exc.status_code}: {exc.message}") from exc
                raise

        return await self._with_retries(call, deadline)

    # --- transport -----------------------------------------------------------------------------

    async def _with_retries(self, call: Callable[[], Awaitable[T]], deadline: float) -> T:
        """Run `call` before `deadline`, retrying connection failures, 429 and 5xx with a short backoff."""
        loop = asyncio.get_running_loop()
        for attempt in range(self.max_retries + 1):
            try:
                async with asyncio.timeout_at(deadline):
                    return await call()
            except TimeoutError:
                raise LLMTimeout("No response from the model in time") from None
            except openai.OpenAIError as exc:
                error = _map_error(exc)
                delay = self._retry_delay(exc, attempt)
                if delay is None or attempt >= self.max_retries or loop.time() + delay >= deadline:
                    raise error from exc
                logger.warning("LLM request failed (%s); retry %d in %.2fs", error.code, attempt + 1, delay)
                await asyncio.sleep(delay)
        raise AssertionError("unreachable")  # pragma: no cover

    def _retry_delay(self, exc: openai.OpenAIError, attempt: int) -> float | None:
        """Seconds to wait before retrying `exc`, or None when it is not worth retrying."""
        backoff = min(self.retry_backoff * 2.0**attempt, BACKOFF_CAP)
        if isinstance(exc, openai.APITimeoutError) and not isinstance(exc.__cause__, httpx2.ConnectTimeout):
            return None  # the server took the request and went quiet; a retry would only double the wait
        if isinstance(exc, openai.APIConnectionError):
            return backoff
        if not isinstance(exc, openai.APIStatusError):
            return None
        if exc.status_code == 429:
            if exc.code == "insufficient_quota":  # retrying cannot help an exhausted account
                return None
            retry_after = _retry_after(exc.response.headers)
            return backoff if retry_after is None else min(max(retry_after, 0.0), RETRY_AFTER_CAP)
        return backoff if exc.status_code >= 500 else None

    def _client(self) -> openai.AsyncOpenAI:
        """The running loop's shared client (kept-alive connections), made on first use in that loop."""
        loop = asyncio.get_running_loop()
        # A client references its loop, so clients of closed loops (async_to_sync calls) are dropped here.
        for closed in [other for other in self._clients if other.is_closed()]:
            del self._clients[closed]
        if (client := self._clients.get(loop)) is None:
            client = self._clients[loop] = self._new_client()
        return client

    def _new_client(self) -> openai.AsyncOpenAI:
        # The client's defaults are a 10-minute timeout and its own retries; ours are explicit. The read
        # timeout is only a backstop: the first-token and chunk-gap deadlines always fire first.
        read = self.first_token_timeout + self.chunk_gap_timeout + 5.0
        timeout = httpx2.Timeout(connect=self.connect_timeout, read=read, write=30.0, pool=self.connect_timeout)
        return openai.AsyncOpenAI(
            api_key=self.api_key,
            base_url=self.base_url,
            timeout=timeout,
            max_retries=0,
            http_client=openai.DefaultAsyncHttpx2Client(
                timeout=timeout, transport=http_transport(limits=CONNECTION_LIMITS)
            ),
        )


def _map_error(exc: openai.OpenAIError) -> LLMError:
    """Translate a client exception raised before any output into our error types."""
    if isinstance(exc, openai.APIStatusError):
        detail = f"HTTP {exc.status_code}: {exc.message}"
        if exc.status_code == 429:
            return LLMRateLimited(detail)
        return LLMServerError(detail) if exc.status_code >= 500 else LLMInvalidRequest(detail)
    if isinstance(exc, openai.APITimeoutError) and not isinstance(exc.__cause__, httpx2.ConnectTimeout):
        return LLMTimeout(str(exc))
    if isinstance(exc, openai.APIConnectionError):
        cause = exc.__cause__
        return LLMConnectionError(f"{exc}: {type(cause).__name__}: {cause}" if cause else str(exc))
    return LLMError(f"{type(exc).__name__}: {exc}")


def _refuses_format(exc: openai.APIStatusError) -> bool:
    """Whether an error answer refuses the requested response format: any status but 429, its body naming it.

    Servers differ: OpenAI answers 400 naming `response_format`, llama-cpp-python 500 with a pydantic
    message ("response_format.type: Input should be 'text' or 'json_object'"), others 422.
    """
    if exc.status_code == 429:
        return False
    text = f"{exc.message} {exc.body!r}".lower()
    return any(word in text for word in FORMAT_WORDS)


def _retry_after(headers: httpx2.Headers) -> float | None:
    for name, divisor in (("retry-after-ms", 1000.0), ("retry-after", 1.0)):
        value = headers.get(name)
        if value is not None:
            try:
                return float(value) / divisor
            except ValueError:
                return None  # an HTTP date: not worth honouring for a live interview
    return None


async def _sse_data(response: httpx2.Response) -> AsyncGenerator[bytes, None]:
    """The `data` of each server-sent event in `response`, in order (the fields other than data are unused)."""
    buffer = b""
    data: list[bytes] = []
    async for chunk in response.aiter_bytes():
        buffer += chunk
        *lines, buffer = buffer.split(b"\n")
        for line in lines:
            if event := _sse_line(line, data):
                yield event
    # A body that ends without the blank line still ends its last event.
    if (event := _sse_line(buffer, data)) or (event := _sse_line(b"", data)):
        yield event


def _sse_line(line: bytes, data: list[bytes]) -> bytes | None:
    """Take one line into `data`; return the event's data when the line ends an event (a blank line)."""
    line = line.removesuffix(b"\r")
    if not line:
        event = b"\n".join(data) if data else None
        data.clear()
        return event
    if line.startswith(b"data:"):
        value = line[5:]
        data.append(value[1:] if value.startswith(b" ") else value)
    # comments (":...") and the event, id and retry fields are ignored
    return None


def _decode_chunk(data: bytes) -> tuple[str | None, Usage | None, list[str]]:
    """One chunk's model, usage (when reported) and content deltas of the first choice."""
    try:
        chunk = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise LLMStreamBroken(f"Stream broke: the model sent invalid JSON: {data[:200]!r}") from exc
    if not isinstance(chunk, dict):
        raise LLMStreamBroken(f"Stream broke: the model sent {type(chunk).__name__} instead of a chunk")
    if error := chunk.get("error"):
        message = error.get("message") if isinstance(error, dict) else None
        raise LLMStreamBroken(f"Stream broke: {message if isinstance(message, str) and message else error}")
    deltas = []
    for choice in chunk.get("choices") or ():
        if isinstance(choice, dict) and choice.get("index", 0) == 0:
            delta = choice.get("delta")
            content = delta.get("content") if isinstance(delta, dict) else None
            if isinstance(content, str) and content:
                deltas.append(content)
    model = chunk.get("model")
    return model if isinstance(model, str) else None, _reported_usage(chunk.get("usage")), deltas


def _reported_usage(usage: Any) -> Usage | None:
    if not isinstance(usage, dict):
        return None
    prompt, completion = usage.get("prompt_tokens"), usage.get("completion_tokens")
    if not isinstance(prompt, int) or not isinstance(completion, int):
        return None
    return Usage(prompt_tokens=prompt, completion_tokens=completion)


async def _drain(events: AsyncGenerator[bytes, None], limit: float) -> None:
    try:
        async with asyncio.timeout(limit):
            async for _ in events:
                pass
    except (TimeoutError, httpx2.HTTPError):
        pass  # the connection is dropped instead of reused; the reply is already complete


def _usage(reported: CompletionUsage | None, messages: Messages, text: str) -> Usage:
    """The server's usage when it sent one, else an estimate from the prompt and the produced text."""
    if reported is not None:
        return Usage(prompt_tokens=reported.prompt_tokens, completion_tokens=reported.completion_tokens)
    return _estimated_usage(messages, text)


def _estimated_usage(messages: Messages, text: str) -> Usage:
    return Usage(prompt_tokens=count_message_tokens(messages), completion_tokens=count_tokens(text), estimated=True)


async def _close_quietly(
    upstream: openai.AsyncStream[ChatCompletionChunk], events: AsyncGenerator[bytes, None] | None
) -> None:
    try:
        if events is not None:
            await events.aclose()
        await upstream.close()
    except Exception:  # the connection may already be gone; closing must not mask the real outcome
        logger.debug("Error while closing an LLM stream", exc_info=True)


def _as_params(messages: Messages) -> list[ChatCompletionMessageParam]:
    return cast(list[ChatCompletionMessageParam], messages)


def _response_formats(schema: dict[str, Any], purpose: str) -> list[dict[str, Any] | None]:
    name = re.sub(r"[^A-Za-z0-9_-]", "_", purpose)[:64] or "response"
    return [
        {"type": "json_schema", "json_schema": {"name": name, "schema": schema}},
        # llama-cpp-python constrains the output to a `schema` given beside json_object (with a grammar).
        {"type": "json_object", "schema": schema},
        None,
    ]


def _format_name(response_format: dict[str, Any] | None) -> str:
    return str(response_format["type"]) if response_format else "none"


def _with_schema_note(messages: Messages, schema: dict[str, Any]) -> Messages:
    """Add the schema as a system note, for servers that cannot enforce it (json_object needs 'JSON' in the prompt)."""
    return [*messages, {"role": "system", "content": JSON_FALLBACK_NOTE + json.dumps(schema)}]
