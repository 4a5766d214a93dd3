"""A lean WebSocket client: the `websockets` Sans-I/O protocol on a bare asyncio Protocol.

The load generator runs hundreds of sockets on one core, so each received frame costs one parse and
one callback (no reader task, no queue). Frames reach `on_frame(client, data, received_at)` with
`received_at` taken when the bytes came off the socket.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

import orjson
from websockets.client import ClientProtocol
from websockets.frames import Opcode
from websockets.http11 import Response
from websockets.typing import Origin
from websockets.uri import parse_uri

FrameHandler = Callable[["WsClient", bytes, float], None]


class WsClient(asyncio.Protocol):
    """One client socket; `await opened` before sending, `closed` resolves when the connection ends."""

    def __init__(self, url: str, *, origin: str, cookie: str, on_frame: FrameHandler, tag: Any = None) -> None:
        self.protocol = ClientProtocol(parse_uri(url), origin=Origin(origin), max_size=2**24)
        self.cookie = cookie
        self.on_frame = on_frame
        self.tag = tag
        loop = asyncio.get_running_loop()
        self.opened: asyncio.Future[None] = loop.create_future()
        self.closed: asyncio.Future[None] = loop.create_future()
        self.transport: asyncio.Transport | None = None
        self.close_code: int | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]
        request = self.protocol.connect()
        if self.cookie:
            request.headers["Cookie"] = self.cookie
        self.protocol.send_request(request)
        self._flush()

    def data_received(self, data: bytes) -> None:
        received_at = time.perf_counter()
        self.protocol.receive_data(data)
        for event in self.protocol.events_received():
            if isinstance(event, Response):
                if self.protocol.handshake_exc is not None:
                    if not self.opened.done():
                        self.opened.set_exception(self.protocol.handshake_exc)
                elif not self.opened.done():
                    self.opened.set_result(None)
            elif event.opcode is Opcode.TEXT:
                self.on_frame(self, event.data, received_at)
            elif event.opcode is Opcode.CLOSE and self.protocol.close_rcvd is not None:
                self.close_code = self.protocol.close_rcvd.code
        self._flush()

    def eof_received(self) -> bool | None:
        self.protocol.receive_eof()
        self._flush()
        return None

    def connection_lost(self, exc: Exception | None) -> None:
        self.transport = None
        if not self.opened.done():
            self.opened.set_exception(exc or ConnectionError("closed during the handshake"))
        if not self.closed.done():
            self.closed.set_result(None)

    def _flush(self) -> None:
        if self.transport is None:
            return
        for data in self.protocol.data_to_send():
            if data:
                self.transport.write(data)
            elif self.transport.can_write_eof():
                self.transport.write_eof()

    def send(self, frame: dict[str, Any]) -> None:
        """Send one JSON text frame (dropped if the socket is gone)."""
        if self.transport is None:
            return
        self.protocol.send_text(orjson.dumps(frame))
        self._flush()

    def close(self) -> None:
        """Start the closing handshake; abort the TCP connection if it has not ended in a second."""
        if self.transport is None:
            return
        try:
            self.protocol.send_close(1000)
        except Exception:  # already closing
            pass
        self._flush()
        transport = self.transport
        asyncio.get_running_loop().call_later(1.0, lambda: transport.is_closing() or transport.abort())


async def ws_connect(
    host: str, port: int, path: str, *, cookie: str, on_frame: FrameHandler, tag: Any = None, open_timeout: float = 10
) -> WsClient:
    """Open a socket and finish the WebSocket handshake (raising InvalidStatus etc. on refusal)."""
    loop = asyncio.get_running_loop()
    origin = f"http://{host}:{port}"
    _, client = await asyncio.wait_for(
        loop.create_connection(
            lambda: WsClient(f"ws://{host}:{port}{path}", origin=origin, cookie=cookie, on_frame=on_frame, tag=tag),
            host,
            port,
        ),
        open_timeout,
    )
    await asyncio.wait_for(client.opened, open_timeout)
    return client
