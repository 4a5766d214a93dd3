"""A lean fake OpenAI-compatible upstream that streams paced, numbered tokens and records when each left.

Tokens are distinct words (`w17 `, `w18 `, ...) numbered from one counter for the whole run, so any
client can tell which token a text holds and when it was emitted without any marker in the text:
`emit_times[n]` is the `time.perf_counter()` at which token `n` was written to the socket (this
object lives in the load generator's process, so both sides read the same clock).
"""

from __future__ import annotations

import asyncio
import re
import time
from array import array
from dataclasses import dataclass

import orjson

_HEAD = (
    b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream; charset=utf-8\r\nCache-Control: no-cache\r\n"
    b"Transfer-Encoding: chunked\r\nConnection: keep-alive\r\n\r\n"
)
_CHUNK_PREFIX = b'data: {"id":"chatcmpl-bench","object":"chat.completion.chunk","created":1700000000,'
_CHUNK_PREFIX += b'"model":"bench-model","choices":[{"index":0,"delta":{"content":"'
_CHUNK_SUFFIX = b'"},"finish_reason":null}]}\n\n'


def _chunked(data: bytes) -> bytes:
    return b"%x\r\n%s\r\n" % (len(data), data)


# The load generator's answers say which session sent them ("... from session 12: ...").
_SESSION_TAG = re.compile(rb"from session (\d+)")
_NO_FOLLOW_UP = orjson.dumps({"follow_up": False, "question": ""}).decode()

_ROLE = _chunked(
    b'data: {"id":"chatcmpl-bench","object":"chat.completion.chunk","created":1700000000,"model":"bench-model",'
    b'"choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}\n\n'
)


@dataclass
class Response:
    """One streamed completion: when it was asked for, and which tokens it carried."""

    index: int
    requested: float
    first_token: int
    tokens: int
    emitted: int = 0
    closed: bool = False


class Upstream:
    """The server: `await start()`, point OPENAI_BASE_URL at `base_url`, read `emit_times` and `responses`."""

    def __init__(self, *, rate: float, tokens: int, first_token_delay: float) -> None:
        self.rate = rate
        self.tokens = tokens
        self.first_token_delay = first_token_delay
        self.emit_times = array("d")
        self.response_of = array("l")
        self.responses: list[Response] = []
        # Follow-up decision calls (non-streamed, with a response format): when each session's latest arrived.
        self.decision_requested: dict[int, float] = {}
        self.decisions = 0
        self.port = 0
        self._server: asyncio.Server | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    async def start(self) -> None:
        loop = asyncio.get_running_loop()
        self._server = await loop.create_server(lambda: _Conn(self), "127.0.0.1", 0, backlog=4096)
        self.port = int(self._server.sockets[0].getsockname()[1])

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            self._server = None

    def text_of(self, response: int) -> str:
        """The exact text a response streamed (all of its tokens, in order)."""
        r = self.responses[response]
        return "".join(f"w{n} " for n in range(r.first_token, r.first_token + r.emitted))

    def token_of(self, word: str) -> int | None:
        """The global token number of a word of streamed text, or None for text the server added."""
        if len(word) > 1 and word[0] == "w" and word[1:].isdigit():
            n = int(word[1:])
            if n < len(self.emit_times):
                return n
        return None

    def open_response(self) -> Response:
        first = len(self.emit_times)
        response = Response(len(self.responses), time.perf_counter(), first, self.tokens)
        self.responses.append(response)
        self.emit_times.extend([0.0] * self.tokens)
        self.response_of.extend([response.index] * self.tokens)
        return response


class _Conn(asyncio.Protocol):
    """One kept-alive HTTP/1.1 connection from the server's OpenAI client."""

    def __init__(self, upstream: Upstream) -> None:
        self.up = upstream
        self.buffer = b""
        self.transport: asyncio.Transport | None = None
        self.timer: asyncio.TimerHandle | None = None
        self.response: Response | None = None
        self.loop = asyncio.get_running_loop()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def connection_lost(self, exc: Exception | None) -> None:
        if self.timer is not None:
            self.timer.cancel()
        if self.response is not None:
            self.response.closed = True
        self.transport = None

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while True:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            head = self.buffer[:end].decode("latin-1")
            length = 0
            for line in head.split("\r\n")[1:]:
                name, _, value = line.partition(":")
                if name.strip().lower() == "content-length":
                    length = int(value.strip())
            if len(self.buffer) < end + 4 + length:
                return
            body = self.buffer[end + 4 : end + 4 + length]
            self.buffer = self.buffer[end + 4 + length :]
            self._request(head.split(" ", 2), body)

    def _request(self, request_line: list[str], body: bytes) -> None:
        assert self.transport is not None
        if len(request_line) < 2 or request_line[0] != "POST" or not request_line[1].endswith("/chat/completions"):
            self.transport.write(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")
            return
        payload = orjson.loads(body) if body else {}
        if not payload.get("stream") and "response_format" in payload:
            self._decision(body)
            return
        response = self.up.open_response()
        if not payload.get("stream"):
            text = self.up.text_of(response.index)
            response.emitted = response.tokens
            for n in range(response.first_token, response.first_token + response.tokens):
                self.up.emit_times[n] = response.requested
            data = orjson.dumps(
                {"id": "chatcmpl-bench", "object": "chat.completion", "created": 1700000000, "model": "bench-model",
                 "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}],
                 "usage": {"prompt_tokens": 10, "completion_tokens": response.tokens, "total_tokens": 10 + response.tokens}}
            )  # fmt: skip
            head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n" % len(data)
            self.transport.write(head + data)
            return
        self.response = response
        self.transport.write(_HEAD + _ROLE)
        self.started = self.loop.time() + self.up.first_token_delay
        self.timer = self.loop.call_at(self.started, self._emit)

    def _decision(self, body: bytes) -> None:
        """Answer a follow-up decision call at once with "no follow-up", noting when and for which session."""
        assert self.transport is not None
        self.up.decisions += 1
        tag = _SESSION_TAG.search(body)
        if tag is not None:
            self.up.decision_requested[int(tag.group(1))] = time.perf_counter()
        data = orjson.dumps(
            {"id": "chatcmpl-bench", "object": "chat.completion", "created": 1700000000, "model": "bench-model",
             "choices": [{"index": 0, "message": {"role": "assistant", "content": _NO_FOLLOW_UP}, "finish_reason": "stop"}],
             "usage": {"prompt_tokens": 10, "completion_tokens": 8, "total_tokens": 18}}
        )  # fmt: skip
        head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n" % len(data)
        self.transport.write(head + data)

    def _emit(self) -> None:
        response, transport = self.response, self.transport
        if response is None or transport is None:
            return
        if response.emitted < response.tokens:
            n = response.first_token + response.emitted
            transport.write(_chunked(_CHUNK_PREFIX + b"w%d " % n + _CHUNK_SUFFIX))
            self.up.emit_times[n] = time.perf_counter()
            response.emitted += 1
            self.timer = self.loop.call_at(self.started + response.emitted / self.up.rate, self._emit)
            return
        usage = {"prompt_tokens": 10, "completion_tokens": response.tokens, "total_tokens": 10 + response.tokens}
        tail = _chunked(
            b'data: {"id":"chatcmpl-bench","object":"chat.completion.chunk","created":1700000000,"model":"bench-model",'
            b'"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}\n\n'
        )
        tail += _chunked(
            b'data: {"id":"chatcmpl-bench","object":"chat.completion.chunk","created":1700000000,"model":"bench-model",'
            b'"choices":[],"usage":' + orjson.dumps(usage) + b"}\n\n"
        )
        transport.write(tail + _chunked(b"data: [DONE]\n\n") + b"0\r\n\r\n")
        response.closed = True
        self.response = None
        self.timer = None
