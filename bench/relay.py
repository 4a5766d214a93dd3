"""The minimal relay the benchmark compares the product against: the same job, nothing else.

Plain `websockets` and the `openai` client, no Django, no channel layer, no persistence: a candidate
socket starts turns, the upstream's tokens are coalesced the same way (one frame per window) and
broadcast to the candidate and the chat's observers, in the product's frame format.
Run: `python -m bench.relay --port 9000 --upstream http://127.0.0.1:8001/v1 --window-ms 30`.
By default (`--parser sse`) it reads the response's events and decodes them with orjson, as the
product's provider does; `--parser client` iterates the client's stream, which builds a pydantic
chunk per token (the plainest relay, ~1.5x the CPU per token).
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import httpx2
import openai
import orjson
from websockets.asyncio.server import ServerConnection, broadcast, serve

_ids = itertools.count(1)


@dataclass
class Chat:
    sockets: set[ServerConnection] = field(default_factory=set)
    transcript: list[dict[str, str]] = field(default_factory=list)
    question: int = 0
    busy: bool = False


class Relay:
    def __init__(self, upstream: str, window: float, parser: str = "sse") -> None:
        self.client = openai.AsyncOpenAI(api_key="sk-relay", base_url=upstream, max_retries=0)
        self.window = window
        self.deltas = self.sse_deltas if parser == "sse" else self.client_deltas
        self.chats: dict[int, Chat] = {}
        self.tasks: set[asyncio.Task[None]] = set()

    def send(self, chat: Chat, frame: dict[str, Any]) -> None:
        broadcast(chat.sockets, orjson.dumps(frame).decode())

    async def handle(self, ws: ServerConnection) -> None:
        _, kind, chat_id = ws.request.path.strip("/").split("/")[:3]
        chat = self.chats.setdefault(int(chat_id), Chat())
        role = "candidate" if kind == "interview" else "observer"
        chat.sockets.add(ws)
        try:
            await ws.send(
                orjson.dumps({"type": "session.snapshot", "messages": [], "generation": None, "role": role}).decode()
            )
            async for raw in ws:
                frame = orjson.loads(raw)
                kind = frame.get("type")
                if role != "candidate" or kind not in ("interview.start", "answer.submit"):
                    continue
                if chat.busy:
                    await ws.send(
                        orjson.dumps({"type": "error", "code": "busy", "message": "Still replying."}).decode()
                    )
                    continue
                if kind == "answer.submit":
                    message = {"id": f"m-{next(_ids)}", "role": "user", "content": frame["content"]}
                    chat.transcript.append({"role": "user", "content": frame["content"]})
                    self.send(chat, {"type": "message.created", "message": message, "client_id": frame["id"]})
                chat.busy = True
                task = asyncio.create_task(self.generate(chat))
                self.tasks.add(task)
                task.add_done_callback(self.tasks.discard)
        finally:
            chat.sockets.discard(ws)

    async def generate(self, chat: Chat) -> None:
        message_id = f"m-{next(_ids)}"
        message = {"id": message_id, "role": "assistant", "content": "", "status": "streaming"}
        self.send(chat, {"type": "message.created", "message": message, "client_id": ""})
        parts: list[str] = []
        pending: list[str] = []
        wake = asyncio.Event()
        finished = False

        async def pump() -> None:
            flushed = 0
            while True:
                await wake.wait()
                if not finished and self.window > 0:
                    await asyncio.sleep(self.window)
                wake.clear()
                if pending:
                    text = "".join(pending)
                    pending.clear()
                    self.send(
                        chat, {"type": "assistant.delta", "message_id": message_id, "offset": flushed, "text": text}
                    )
                    flushed += len(text)
                if finished and not pending:
                    return

        pumping = asyncio.create_task(pump())
        messages = [{"role": "system", "content": "You are an interviewer."}, *chat.transcript]
        usage, status = None, "complete"
        try:
            async for content, reported in self.deltas(messages):
                usage = reported or usage
                if content:
                    parts.append(content)
                    pending.append(content)
                    wake.set()
        except (openai.OpenAIError, httpx2.HTTPError, ValueError):
            status = "error"
        finished = True
        wake.set()
        await pumping
        text = "".join(parts)
        chat.transcript.append({"role": "assistant", "content": text})
        counts = (
            {"prompt_tokens": usage["prompt_tokens"], "completion_tokens": usage["completion_tokens"]}
            if usage
            else None
        )
        self.send(chat, {"type": "assistant.done", "message_id": message_id, "status": status,
                         "usage": counts, "length": len(text)})  # fmt: skip
        self.send(chat, {"type": "question.started", "index": chat.question, "question": "Next?", "time_limit": 3600})
        chat.question += 1
        chat.busy = False

    async def client_deltas(self, messages: list[dict[str, str]]) -> AsyncIterator[tuple[str, dict[str, int] | None]]:
        stream = await self.client.chat.completions.create(
            model="bench-model", messages=messages, stream=True, stream_options={"include_usage": True}
        )
        async for chunk in stream:
            usage = chunk.usage.model_dump() if chunk.usage else None
            for choice in chunk.choices:
                yield choice.delta.content or "", usage
            if not chunk.choices:
                yield "", usage

    async def sse_deltas(self, messages: list[dict[str, str]]) -> AsyncIterator[tuple[str, dict[str, int] | None]]:
        async with self.client.chat.completions.with_streaming_response.create(
            model="bench-model", messages=messages, stream=True, stream_options={"include_usage": True}
        ) as response:
            buffer = b""
            async for data in response.http_response.aiter_bytes():
                buffer += data
                *lines, buffer = buffer.split(b"\n")
                for line in lines:
                    if not line.startswith(b"data: ") or line.startswith(b"data: [DONE]"):
                        continue
                    chunk = orjson.loads(line[6:])
                    choices = chunk.get("choices") or [{}]
                    for choice in choices:
                        yield (choice.get("delta") or {}).get("content") or "", chunk.get("usage")


async def main(port: int, upstream: str, window: float, parser: str) -> None:
    relay = Relay(upstream, window, parser)
    async with serve(relay.handle, "127.0.0.1", port, compression=None, max_queue=None) as server:
        await server.serve_forever()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="The minimal relay (bench baseline).")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--upstream", required=True)
    parser.add_argument("--window-ms", type=float, default=30)
    parser.add_argument("--parser", choices=["sse", "client"], default="sse")
    args = parser.parse_args()
    asyncio.run(main(args.port, args.upstream, args.window_ms / 1000, args.parser))
