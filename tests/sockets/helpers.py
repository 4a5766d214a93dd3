"""Driving the consumers in-process with WebsocketCommunicator."""

from __future__ import annotations

import asyncio
from typing import Any

from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator

from consumers.routing import websocket_urlpatterns

APP = URLRouter(websocket_urlpatterns)


async def connect(path: str, user: Any) -> tuple[WebsocketCommunicator, dict[str, Any]]:
    """Open a socket as `user` and return it with its first frame (the snapshot)."""
    communicator = WebsocketCommunicator(APP, path)
    communicator.scope["user"] = user
    connected, _ = await communicator.connect()
    assert connected
    return communicator, await communicator.receive_json_from(timeout=15)


async def close_code(path: str, user: Any) -> int:
    """Open a socket and return the code it is closed with."""
    communicator = WebsocketCommunicator(APP, path)
    communicator.scope["user"] = user
    await communicator.connect()
    output = await communicator.receive_output(timeout=15)
    await communicator.disconnect()
    assert output["type"] == "websocket.close"
    return output["code"]


async def frames_until(communicator: WebsocketCommunicator, predicate, timeout: float = 10) -> list[dict[str, Any]]:
    """Collect frames until one satisfies `predicate` (inclusive)."""
    frames: list[dict[str, Any]] = []
    async with asyncio.timeout(timeout):
        while True:
            frame = await communicator.receive_json_from(timeout=timeout)
            frames.append(frame)
            if predicate(frame):
                return frames


def of_type(kind: str, **fields: Any):
    """A predicate: a frame of this type whose fields equal the given ones."""
    return lambda frame: frame.get("type") == kind and all(frame.get(k) == v for k, v in fields.items())


def delta_text(frames: list[dict[str, Any]], message_id: str, start: int = 0) -> str:
    """Join a message's deltas, checking that each continues exactly where the last ended."""
    text = ""
    position = start
    for frame in frames:
        if frame.get("type") == "assistant.delta" and frame["message_id"] == message_id:
            assert frame["offset"] == position, f"gap or overlap at {position}: got offset {frame['offset']}"
            text += frame["text"]
            position += len(frame["text"])
    return text
