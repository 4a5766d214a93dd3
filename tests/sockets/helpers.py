"""Driving the consumers in-process with WebsocketCommunicator.

Tests open sockets through the `connect`, `close_code` and `sockets` fixtures (tests/conftest.py):
a `Sockets` owns every communicator a test opens and, at teardown — also when the test failed —
disconnects each one and ends the generations left running on the test's event loop, so nothing
leaks into the next test.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from typing import Any

from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator

from consumers.routing import websocket_urlpatterns
from interview.live.generation import REGISTRY

APP = URLRouter(websocket_urlpatterns)

# How long teardown waits for a socket's consumer, or a stopped generation, to finish on its own.
TEARDOWN_TIMEOUT = 5.0


class Sockets:
    """The sockets one test opens; `close()` disconnects every one and ends the generations left running."""

    def __init__(self) -> None:
        self.communicators: list[WebsocketCommunicator] = []

    def communicator(
        self, path: str, user: Any = None, *, app: Any = APP, headers: list[tuple[bytes, bytes]] | None = None
    ) -> WebsocketCommunicator:
        """A communicator for `path` (as `user` when given, else as the app's middleware decides), closed at teardown."""
        communicator = WebsocketCommunicator(app, path, headers=headers)
        if user is not None:
            communicator.scope["user"] = user
        self.communicators.append(communicator)
        return communicator

    async def open(
        self, path: str, user: Any = None, *, app: Any = APP, headers: list[tuple[bytes, bytes]] | None = None
    ) -> WebsocketCommunicator:
        """Open a socket and check the server accepted it."""
        communicator = self.communicator(path, user, app=app, headers=headers)
        connected, _ = await communicator.connect()
        assert connected
        return communicator

    async def connect(self, path: str, user: Any) -> tuple[WebsocketCommunicator, dict[str, Any]]:
        """Open a socket as `user` and return it with its first frame (the snapshot)."""
        communicator = await self.open(path, user)
        return communicator, await communicator.receive_json_from(timeout=15)

    async def close_code(self, path: str, user: Any) -> int:
        """Open a socket and return the code it is closed with."""
        communicator = self.communicator(path, user)
        await communicator.connect()
        output = await communicator.receive_output(timeout=15)
        await communicator.disconnect()
        assert output["type"] == "websocket.close"
        return output["code"]

    async def close(self) -> None:
        """Disconnect every socket still open, then end this loop's generations; raise what a consumer raised."""
        errors: list[BaseException] = []
        for communicator in reversed(self.communicators):
            if communicator._future is None or communicator.future.done():
                continue  # never started, or already disconnected by the test
            try:
                await communicator.disconnect(timeout=TEARDOWN_TIMEOUT)
            except Exception as exc:
                errors.append(exc)
        self.communicators.clear()
        await generations_end()
        if errors:
            raise errors[0]


async def generations_end(timeout: float = TEARDOWN_TIMEOUT) -> None:
    """Stop every generation running on this event loop and wait for it; forget those of closed loops.

    A generation runs as its own task, owned by the chat: closing the sockets does not end it. Each
    test has its own event loop, so a generation on this loop was started by this test.
    """
    loop = asyncio.get_running_loop()
    for chat_id, generation in list(REGISTRY.items()):
        task = generation.task
        if task is None or task.done() or task.get_loop().is_closed():
            if REGISTRY.get(chat_id) is generation:
                del REGISTRY[chat_id]
            continue
        if task.get_loop() is not loop:
            continue
        generation.stop()
        try:
            await asyncio.wait_for(asyncio.shield(task), timeout)
        except TimeoutError:
            task.cancel()
            with contextlib.suppress(BaseException):
                await task
        except BaseException:  # the task's own failure is logged by the generation module
            pass
        if REGISTRY.get(chat_id) is generation:
            del REGISTRY[chat_id]


async def closed_with(communicator: WebsocketCommunicator, timeout: float = 5.0) -> int:
    """The code the server closes an open socket with within `timeout` seconds (frames before it are skipped)."""
    try:
        async with asyncio.timeout(timeout):
            while True:
                output = await communicator.receive_output(timeout)
                if output["type"] == "websocket.close":
                    return output["code"]
    finally:
        await communicator.disconnect()


async def frames_until(
    communicator: WebsocketCommunicator, predicate: Callable[[dict[str, Any]], bool], timeout: float = 10
) -> list[dict[str, Any]]:
    """Collect frames until one satisfies `predicate` (inclusive)."""
    frames: list[dict[str, Any]] = []
    async with asyncio.timeout(timeout):
        while True:
            frame = await communicator.receive_json_from(timeout=timeout)
            frames.append(frame)
            if predicate(frame):
                return frames


def of_type(kind: str, **fields: Any) -> Callable[[dict[str, Any]], bool]:
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
