"""A fake OpenAI-compatible server on 127.0.0.1: real HTTP/1.1 and SSE over a real socket.

Serves POST /v1/chat/completions (streamed and not) and GET /v1/models, with scripted text, pacing,
usage, and failure modes (status errors, stalls, abrupt breaks). Standard library only, so it also
runs as its own process: `python -m tests.fakes.openai_server --port 8765 --text "Hi" --pace 0.02`.
In tests, use the `fake_openai` fixture (a server on a background thread with its own event loop).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import itertools
import json
import re
import signal
import socket
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

DEFAULT_TEXT = "Thank you for that answer. Let's move on to the next question."
DEFAULT_MODEL = "fake-gpt-4o-mini"
_REASONS = {200: "OK", 400: "Bad Request", 404: "Not Found", 429: "Too Many Requests", 500: "Internal Server Error"}
_REASONS |= {422: "Unprocessable Entity", 502: "Bad Gateway", 503: "Service Unavailable"}
# How kinds of server refuse structured output: which response_format types, and in which style (see _format_refusal).
FORMAT_REFUSALS = {
    "openai": (frozenset({"json_schema", "json_object"}), "openai"),
    "llama_cpp": (frozenset({"json_schema"}), "llama_cpp"),
    "unprocessable": (frozenset({"json_schema", "json_object"}), "unprocessable"),
}
_MAX_HEADER_BYTES = 64 * 1024


@dataclass
class FakeResponse:
    """How the server answers one request; every field has a working default."""

    text: str = DEFAULT_TEXT
    status: int = 200
    # Sent as the Retry-After header on error statuses when set.
    retry_after: float | None = None
    error_message: str = ""
    model: str = DEFAULT_MODEL
    # Whether a usage chunk (stream, when the client asks for it) or a usage field (non-stream) is sent.
    usage: bool = True
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    tokens_per_chunk: int = 1
    # Seconds between content chunks.
    pace: float = 0.0
    # Seconds after the headers before the first chunk (for non-stream: before the body).
    first_token_delay: float = 0.0
    # Seconds before the status line and headers are sent.
    headers_delay: float = 0.0
    # After this many content chunks, send nothing more and keep the connection open.
    stall_after: int | None = None
    # After this many content chunks, close the socket abruptly (RST) mid-body.
    break_after: int | None = None
    # After this many content chunks, send an in-stream error event (`{"error": ...}`) and end the body.
    error_after: int | None = None
    # After this many content chunks, send an event whose data is not JSON and end the body.
    garbage_after: int | None = None
    # How the events are framed: "plain" (`data: ...\n\n`), "crlf" (CRLF line ends), "comments" (a
    # `: keep-alive` comment before each event) or "split" (each event cut in two mid-line, sent apart).
    sse_style: str = "plain"


@dataclass
class ReceivedRequest:
    """One request as the server saw it, and what became of its connection."""

    method: str
    path: str
    headers: dict[str, str]
    body: dict[str, Any]
    # The client's "host:port", which tells requests on one kept-alive connection apart from new connections.
    peer: str = ""
    # Set when the client closed the connection before the response was complete.
    disconnected: threading.Event = field(default_factory=threading.Event)
    # Set when the response was sent in full.
    finished: threading.Event = field(default_factory=threading.Event)


Responder = Callable[[dict[str, Any]], FakeResponse | None]


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 with nothing listening on it (connections are refused)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def unused_base_url() -> str:
    """Return an OpenAI base URL on which every connection is refused."""
    return f"http://127.0.0.1:{free_port()}/v1"


def split_tokens(text: str) -> list[str]:
    """Split text into word-sized pieces (leading whitespace attached) that join back to it exactly."""
    return re.findall(r"\s*\S+|\s+", text)


class _Connection:
    """A socket's incoming bytes pumped into a buffer, so a client hang-up is seen at any moment."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer
        self.buffer = bytearray()
        self.closed = asyncio.Event()
        self.aborted = False
        self._data = asyncio.Event()
        self._pump = asyncio.create_task(self._pump_bytes())

    async def _pump_bytes(self) -> None:
        try:
            while data := await self.reader.read(65536):
                self.buffer += data
                self._data.set()
        except (ConnectionError, OSError):
            pass
        finally:
            self.closed.set()
            self._data.set()

    async def read_until(self, separator: bytes, limit: int = _MAX_HEADER_BYTES) -> bytes | None:
        """Return bytes up to and including `separator`, or None if the client hung up first."""
        while (index := self.buffer.find(separator)) < 0:
            if self.closed.is_set() or len(self.buffer) > limit:
                return None
            self._data.clear()
            await self._data.wait()
        end = index + len(separator)
        chunk = bytes(self.buffer[:end])
        del self.buffer[:end]
        return chunk

    async def read_exactly(self, size: int) -> bytes | None:
        """Return exactly `size` bytes, or None if the client hung up first."""
        while len(self.buffer) < size:
            if self.closed.is_set():
                return None
            self._data.clear()
            await self._data.wait()
        chunk = bytes(self.buffer[:size])
        del self.buffer[:size]
        return chunk

    async def pause(self, seconds: float | None) -> bool:
        """Wait `seconds` (None: until hang-up); return True if the client hung up meanwhile."""
        if seconds is not None and seconds <= 0:
            return self.closed.is_set()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.closed.wait(), seconds)
        return self.closed.is_set()

    async def send(self, data: bytes) -> bool:
        """Write bytes; return False if the client is gone."""
        if self.closed.is_set():
            return False
        try:
            self.writer.write(data)
            await self.writer.drain()
        except (ConnectionError, OSError):
            return False
        return True

    def abort(self) -> None:
        """Drop the connection without a proper end (a reset, as a crashed upstream would)."""
        self.aborted = True
        self.writer.transport.abort()

    async def close(self) -> None:
        self._pump.cancel()
        with contextlib.suppress(BaseException):
            await self._pump
        self.writer.close()
        with contextlib.suppress(ConnectionError, OSError):
            await self.writer.wait_closed()


def _chunk_frame(data: bytes) -> bytes:
    return f"{len(data):x}\r\n".encode() + data + b"\r\n"


def _sse(payload: dict[str, Any] | str, style: str = "plain") -> bytes:
    data = payload if isinstance(payload, str) else json.dumps(payload, separators=(",", ":"))
    event = f"data: {data}\n\n".encode()
    if style == "crlf":
        event = event.replace(b"\n", b"\r\n")
    elif style == "comments":
        event = b": keep-alive\n\n" + event
    elif style == "split":
        middle = len(event) // 2
        return _chunk_frame(event[:middle]) + _chunk_frame(event[middle:])
    return _chunk_frame(event)


def _format_refusal(style: str, kind: str) -> tuple[int, dict[str, Any]]:
    """The status and body with which a server of `style` refuses a response_format of type `kind`."""
    if style == "llama_cpp":  # a FastAPI validation error turned into a 500 by its route error handler
        detail = [{"type": "literal_error", "loc": ("body", "response_format", "type"),
                   "msg": "Input should be 'text' or 'json_object'", "input": kind,
                   "ctx": {"expected": "'text' or 'json_object'"}}]  # fmt: skip
        return 500, {"error": {"message": str(detail), "type": "internal_server_error", "param": None, "code": None}}
    if style == "unprocessable":  # FastAPI's own validation answer, without an `error` object
        loc = ["body", "response_format", "type"]
        return 422, {
            "detail": [{"type": "value_error", "loc": loc, "msg": f"Unsupported type '{kind}'", "input": kind}]
        }
    message = f"Invalid parameter: 'response_format' of type '{kind}' is not supported with this model."
    error = {"message": message, "type": "invalid_request_error", "param": "response_format", "code": None}
    return 400, {"error": error}


class FakeOpenAIServer:
    """The fake server: configure `default`, `script`, `responder`, then point a client at `base_url`."""

    def __init__(self, *, host: str = "127.0.0.1", port: int = 0, default: FakeResponse | None = None) -> None:
        self.host = host
        self.port = port
        self.default = default or FakeResponse()
        # Consumed in order, one per chat request, before falling back to `default`.
        self.script: deque[FakeResponse] = deque()
        # Consulted first with each parsed request body; returning None falls through to the script.
        self.responder: Responder | None = None
        # Per JSON schema name (the `json_schema.name` of a structured-output request, e.g.
        # "follow_up_decision"): responses consumed in order by the requests naming it, before `script`.
        self.json_script: dict[str, deque[FakeResponse]] = {}
        # response_format types refused, as servers without structured outputs do, in `refusal_style`:
        # "openai" (400 naming the parameter), "llama_cpp" (500, a pydantic message) or "unprocessable" (422).
        self.reject_response_formats: set[str] = set()
        self.refusal_style = "openai"
        self.received: list[ReceivedRequest] = []
        self._ids = itertools.count(1)
        self._server: asyncio.Server | None = None
        self._handlers: set[asyncio.Task[None]] = set()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None

    # --- configuration -------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}/v1"

    @property
    def requests(self) -> list[dict[str, Any]]:
        """The JSON bodies of the chat requests received so far, oldest first."""
        return [request.body for request in self.received if request.path.endswith("/chat/completions")]

    def configure(self, **changes: Any) -> None:
        """Change fields of the default response (text, pace, model, usage, ...)."""
        self.default = dataclasses.replace(self.default, **changes)

    def enqueue(self, *responses: FakeResponse) -> None:
        """Script the next responses, consumed one per chat request."""
        self.script.extend(responses)

    def enqueue_json(self, name: str, *responses: FakeResponse | dict[str, Any]) -> None:
        """Script the answers to structured-output requests whose JSON schema is `name`; a dict is sent as JSON text.

        Other requests (the streamed turns among them) keep the script and the default, so a test can
        script one kind of call without counting the others.
        """
        queue = self.json_script.setdefault(name, deque())
        queue.extend(r if isinstance(r, FakeResponse) else FakeResponse(text=json.dumps(r)) for r in responses)

    def refuse_formats(self, kind: str) -> None:
        """Refuse structured output as a kind of server does (a key of FORMAT_REFUSALS).

        "llama_cpp": llama-cpp-python's server, which answers json_schema with a 500 whose pydantic message names
        response_format and accepts json_object (with a `schema` beside it); "unprocessable": json_schema and
        json_object both refused with a 422 validation error; "openai": both refused with a 400.
        """
        kinds, self.refusal_style = FORMAT_REFUSALS[kind]
        self.reject_response_formats = set(kinds)

    def reset(self) -> None:
        """Back to the defaults, with no script and no recorded requests."""
        self.default = FakeResponse()
        self.script.clear()
        self.responder = None
        self.json_script.clear()
        self.reject_response_formats = set()
        self.refusal_style = "openai"
        self.received.clear()

    # --- lifecycle -----------------------------------------------------------------------------

    async def start_async(self) -> None:
        """Start listening on the running event loop."""
        self._server = await asyncio.start_server(self._handle, self.host, self.port)
        self.port = int(self._server.sockets[0].getsockname()[1])

    async def stop_async(self) -> None:
        """Stop listening and drop every open connection (stalled ones included)."""
        if self._server is not None:
            self._server.close()
        for task in list(self._handlers):
            task.cancel()
        await asyncio.gather(*self._handlers, return_exceptions=True)
        if self._server is not None:
            await self._server.wait_closed()
            self._server = None

    def start(self) -> FakeOpenAIServer:
        """Start on a background thread with its own event loop; return once listening."""
        loop = asyncio.new_event_loop()
        self._loop = loop
        self._thread = threading.Thread(target=loop.run_forever, name="fake-openai", daemon=True)
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self.start_async(), loop).result(timeout=10)
        return self

    def stop(self) -> None:
        """Stop the background server and its thread."""
        if self._loop is None or self._thread is None:
            return
        asyncio.run_coroutine_threadsafe(self.stop_async(), self._loop).result(timeout=10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        self._loop.close()
        self._loop = None
        self._thread = None

    def __enter__(self) -> FakeOpenAIServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # --- HTTP ----------------------------------------------------------------------------------

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._handlers.add(task)
        conn = _Connection(reader, writer)
        try:
            while await self._serve_one(conn):
                pass
        except asyncio.CancelledError:
            pass
        finally:
            self._handlers.discard(task)
            await conn.close()

    async def _serve_one(self, conn: _Connection) -> bool:
        """Read one request and answer it; return whether the connection may serve another."""
        head = await conn.read_until(b"\r\n\r\n")
        if head is None:
            return False
        request_line, *header_lines = head.decode("latin-1").split("\r\n")
        try:
            method, path, _version = request_line.split(" ", 2)
        except ValueError:  # not HTTP: drop the connection
            return False
        headers = {
            name.strip().lower(): value.strip()
            for name, _, value in (line.partition(":") for line in header_lines if line)
        }
        raw = await self._read_body(conn, headers)
        if raw is None:
            return False
        try:
            body = json.loads(raw) if raw else {}
        except ValueError:
            body = {"_raw": raw.decode("utf-8", "replace")}
        host, port = conn.writer.get_extra_info("peername")[:2]
        request = ReceivedRequest(method, path.split("?", 1)[0], headers, body, peer=f"{host}:{port}")
        self.received.append(request)
        keep_alive = await self._route(conn, request)
        if keep_alive:
            request.finished.set()
        elif not conn.aborted:
            request.disconnected.set()
        return keep_alive and headers.get("connection", "").lower() != "close"

    async def _read_body(self, conn: _Connection, headers: dict[str, str]) -> bytes | None:
        if headers.get("transfer-encoding", "").lower() == "chunked":
            body = b""
            while (size_line := await conn.read_until(b"\r\n")) is not None:
                size = int(size_line.split(b";", 1)[0].strip() or b"0", 16)
                chunk = await conn.read_exactly(size + 2)
                if chunk is None:
                    return None
                if size == 0:
                    return body
                body += chunk[:-2]
            return None
        return await conn.read_exactly(int(headers.get("content-length", "0") or 0))

    async def _route(self, conn: _Connection, request: ReceivedRequest) -> bool:
        if request.method == "GET" and request.path.endswith("/models"):
            models = {"object": "list", "data": [{"id": self.default.model, "object": "model", "owned_by": "fake"}]}
            return await self._send_json(conn, 200, models)
        if request.method != "POST" or not request.path.endswith("/chat/completions"):
            return await self._send_error(conn, 404, f"Unknown endpoint {request.method} {request.path}")
        rejected = self._rejected_format(request.body)
        if rejected:
            return await self._send_json(conn, *_format_refusal(self.refusal_style, rejected))
        response = self._next_response(request.body)
        if await conn.pause(response.headers_delay):
            return False
        if response.status != 200:
            return await self._send_error(conn, response.status, response.error_message, response.retry_after)
        if request.body.get("stream"):
            return await self._stream(conn, request.body, response)
        return await self._complete(conn, request.body, response)

    def _rejected_format(self, body: dict[str, Any]) -> str:
        response_format = body.get("response_format")
        kind = response_format.get("type", "") if isinstance(response_format, dict) else ""
        return kind if kind in self.reject_response_formats else ""

    def _next_response(self, body: dict[str, Any]) -> FakeResponse:
        if self.responder is not None and (chosen := self.responder(body)) is not None:
            return chosen
        response_format = body.get("response_format")
        schema = response_format.get("json_schema") if isinstance(response_format, dict) else None
        name = schema.get("name") if isinstance(schema, dict) else None
        if name and self.json_script.get(name):
            return self.json_script[name].popleft()
        return self.script.popleft() if self.script else self.default

    async def _send_json(
        self, conn: _Connection, status: int, payload: dict[str, Any], extra_headers: str = ""
    ) -> bool:
        data = json.dumps(payload).encode()
        head = (
            f"HTTP/1.1 {status} {_REASONS.get(status, 'Error')}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(data)}\r\nConnection: keep-alive\r\n{extra_headers}\r\n"
        )
        return await conn.send(head.encode() + data)

    async def _send_error(self, conn: _Connection, status: int, message: str, retry_after: float | None = None) -> bool:
        kind = {429: "rate_limit_exceeded", 400: "invalid_request_error"}.get(status, "server_error")
        error = {"message": message or f"Fake upstream error {status}", "type": kind, "param": None, "code": kind}
        extra = f"Retry-After: {retry_after:g}\r\n" if retry_after is not None else ""
        return await self._send_json(conn, status, {"error": error}, extra)

    def _usage(self, body: dict[str, Any], response: FakeResponse, pieces: int) -> dict[str, int]:
        words = sum(len(str(m.get("content", "")).split()) for m in body.get("messages", []) if isinstance(m, dict))
        prompt = response.prompt_tokens if response.prompt_tokens is not None else words + 7
        completion = response.completion_tokens if response.completion_tokens is not None else pieces
        return {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion}

    async def _complete(self, conn: _Connection, body: dict[str, Any], response: FakeResponse) -> bool:
        if await conn.pause(response.first_token_delay):
            return False
        if response.stall_after is not None:
            await conn.pause(None)
            return False
        if response.break_after is not None:
            conn.abort()
            return False
        payload: dict[str, Any] = {
            "id": f"chatcmpl-fake{next(self._ids)}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": response.model,
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": response.text, "refusal": None},
                    "logprobs": None,
                    "finish_reason": "stop",
                }
            ],
            "system_fingerprint": "fp_fake",
        }
        if response.usage:
            payload["usage"] = self._usage(body, response, len(split_tokens(response.text)))
        return await self._send_json(conn, 200, payload)

    async def _stream(self, conn: _Connection, body: dict[str, Any], response: FakeResponse) -> bool:
        head = (
            "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream; charset=utf-8\r\nCache-Control: no-cache\r\n"
            "Transfer-Encoding: chunked\r\nConnection: keep-alive\r\n\r\n"
        )
        if not await conn.send(head.encode()) or await conn.pause(response.first_token_delay):
            return False
        include_usage = bool((body.get("stream_options") or {}).get("include_usage")) and response.usage
        chunk = {"id": f"chatcmpl-fake{next(self._ids)}", "object": "chat.completion.chunk",
                 "created": int(time.time()), "model": response.model, "system_fingerprint": "fp_fake"}  # fmt: skip

        def event(delta: dict[str, Any], finish: str | None = None) -> bytes:
            choice = {"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}
            return _sse({**chunk, "choices": [choice], **({"usage": None} if include_usage else {})}, style)

        style = response.sse_style

        if not await conn.send(event({"role": "assistant", "content": "", "refusal": None})):
            return False
        pieces = split_tokens(response.text)
        size = max(1, response.tokens_per_chunk)
        for sent, start in enumerate(range(0, len(pieces), size)):
            if not await self._before_chunk(conn, response, sent):
                return False
            if sent == response.error_after:
                error = {"message": response.error_message or "Fake in-stream error", "type": "server_error"}
                return await conn.send(_sse({"error": error}, style) + b"0\r\n\r\n")
            if sent == response.garbage_after:
                return await conn.send(_sse("{not json", style) + b"0\r\n\r\n")
            if not await conn.send(event({"content": "".join(pieces[start : start + size])})):
                return False
        if not await self._before_chunk(conn, response, -(-len(pieces) // size), pace=False):
            return False
        tail = event({}, "stop")
        if include_usage:
            tail += _sse({**chunk, "choices": [], "usage": self._usage(body, response, len(pieces))}, style)
        return await conn.send(tail + _sse("[DONE]", style) + b"0\r\n\r\n")

    async def _before_chunk(self, conn: _Connection, response: FakeResponse, sent: int, pace: bool = True) -> bool:
        """Apply pacing and the stall/break modes before content chunk number `sent`; False ends the response."""
        if response.break_after is not None and sent >= response.break_after:
            conn.abort()
            return False
        if response.stall_after is not None and sent >= response.stall_after:
            await conn.pause(None)
            return False
        return not (pace and sent > 0 and await conn.pause(response.pace))


@pytest.fixture
def fake_openai() -> Iterator[FakeOpenAIServer]:
    """A started fake OpenAI server on 127.0.0.1 (a background thread), stopped after the test.

    Registered for all tests by importing this function into tests/conftest.py.
    """
    server = FakeOpenAIServer().start()
    try:
        yield server
    finally:
        server.stop()


def main(argv: list[str] | None = None) -> None:
    """Run the fake server in the foreground until interrupted."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--text", default=DEFAULT_TEXT)
    parser.add_argument("--pace", type=float, default=0.0, help="seconds between chunks")
    parser.add_argument("--tokens-per-chunk", type=int, default=1)
    parser.add_argument("--first-token-delay", type=float, default=0.0)
    parser.add_argument("--model", default=DEFAULT_MODEL)
    parser.add_argument("--no-usage", action="store_true")
    parser.add_argument("--refuse-formats", choices=sorted(FORMAT_REFUSALS), help="refuse structured output like")
    args = parser.parse_args(argv)
    default = FakeResponse(
        text=args.text,
        pace=args.pace,
        tokens_per_chunk=args.tokens_per_chunk,
        first_token_delay=args.first_token_delay,
        model=args.model,
        usage=not args.no_usage,
    )
    server = FakeOpenAIServer(host=args.host, port=args.port, default=default)
    if args.refuse_formats:
        server.refuse_formats(args.refuse_formats)
    asyncio.run(_serve_forever(server))


async def _serve_forever(server: FakeOpenAIServer) -> None:
    await server.start_async()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    print(f"fake OpenAI server listening on {server.base_url}", flush=True)
    await stop.wait()
    await server.stop_async()


if __name__ == "__main__":
    main()
