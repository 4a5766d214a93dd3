"""The network layer under the `openai` client's HTTP connections: plain asyncio, read ahead.

httpx's connection pool (httpcore) reads sockets through a pluggable network backend; its default
under asyncio is anyio's socket stream, which stops reading the socket after every chunk and starts
again on the next read (an `epoll_ctl` each way) and arms a cancel scope per read. A streamed reply
is one small chunk per token, so under load that was ~9 % of the server's CPU, and checking whether
a pooled connection is still usable (`getpeername` and a `poll` per idle connection on every
request) another 2 %. `AsyncioBackend` is an asyncio protocol that keeps reading into a bounded
buffer (reading pauses above `READ_AHEAD_LIMIT` bytes), answers reads from it, and enforces read
timeouts with one re-armed timer per connection. Everything above it — the client, httpx, httpcore,
their errors and timeouts — is unchanged.
"""

# ruff: noqa: ASYNC109 (httpcore's network-stream interface takes its timeouts as arguments)
from __future__ import annotations

import asyncio
import ssl
from collections import deque
from collections.abc import Callable, Iterable
from typing import Any

import httpcore2
import httpx2

# Bytes read ahead of the reader before the socket is paused (resumed below a quarter of it).
READ_AHEAD_LIMIT = 256 * 1024

SocketOption = tuple[int, int, int] | tuple[int, int, bytes | bytearray] | tuple[int, int, None, int]


def http_transport(**kwargs: Any) -> httpx2.AsyncHTTPTransport:
    """httpx's own transport (pool, limits, proxies, TLS settings) with its connections on `AsyncioBackend`."""
    transport = httpx2.AsyncHTTPTransport(**kwargs)
    # httpx creates its httpcore pool without a network_backend argument; the pool has no connections
    # yet, and every connection it makes takes the backend from this attribute.
    transport._pool._network_backend = AsyncioBackend()
    return transport


class AsyncioBackend(httpcore2.AsyncNetworkBackend):
    """httpcore's network backend on asyncio transports and protocols."""

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[SocketOption] | None = None,
    ) -> httpcore2.AsyncNetworkStream:
        loop = asyncio.get_running_loop()
        local = None if local_address is None else (local_address, 0)
        return await _connect(
            lambda p: loop.create_connection(lambda: p, host, port, local_addr=local), timeout, socket_options
        )

    async def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[SocketOption] | None = None
    ) -> httpcore2.AsyncNetworkStream:
        loop = asyncio.get_running_loop()
        return await _connect(lambda p: loop.create_unix_connection(lambda: p, path), timeout, socket_options)

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)


async def _connect(
    open_connection: Callable[[_ReadAhead], Any], timeout: float | None, socket_options: Iterable[SocketOption] | None
) -> AsyncioStream:
    protocol = _ReadAhead()
    try:
        async with asyncio.timeout(timeout):
            transport, _ = await open_connection(protocol)
    except TimeoutError:
        raise httpcore2.ConnectTimeout("Timed out while connecting") from None
    except OSError as exc:
        raise httpcore2.ConnectError(str(exc) or type(exc).__name__) from exc
    sock = transport.get_extra_info("socket")
    try:
        for option in socket_options or ():
            sock.setsockopt(*option)
    except OSError as exc:
        transport.abort()
        raise httpcore2.ConnectError(str(exc)) from exc
    return AsyncioStream(transport, protocol)


class _ReadAhead(asyncio.Protocol):
    """Buffers what the socket delivers; wakes the one reader; pauses reading when far ahead."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.chunks: deque[bytes] = deque()
        self.buffered = 0
        self.eof = False
        self.error: Exception | None = None
        self.reading_paused = False
        self.waiter: asyncio.Future[None] | None = None
        self.drained: asyncio.Future[None] | None = None
        self.writing_paused = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.chunks.append(data)
        self.buffered += len(data)
        if self.buffered > READ_AHEAD_LIMIT and not self.reading_paused and self.transport is not None:
            self.reading_paused = True
            self.transport.pause_reading()
        self._wake()

    def eof_received(self) -> bool:
        self.eof = True
        self._wake()
        return False  # close our side too: an HTTP/1.1 connection the server half-closed is finished

    def connection_lost(self, exc: Exception | None) -> None:
        self.eof = True
        if exc is not None:
            self.error = exc
        self._wake()
        if self.drained is not None and not self.drained.done():
            self.drained.set_result(None)

    def pause_writing(self) -> None:
        self.writing_paused = True

    def resume_writing(self) -> None:
        self.writing_paused = False
        if self.drained is not None and not self.drained.done():
            self.drained.set_result(None)

    def _wake(self) -> None:
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_result(None)


class AsyncioStream(httpcore2.AsyncNetworkStream):
    def __init__(self, transport: asyncio.Transport, protocol: _ReadAhead) -> None:
        self._transport = transport
        self._protocol = protocol
        self._loop = asyncio.get_running_loop()
        # One timer per connection, re-armed lazily: a read sets its deadline and the timer, when it
        # fires early, moves itself to the current deadline (reads are ~20 ms apart, timeouts ~30 s).
        self._deadline: float | None = None
        self._timer: asyncio.TimerHandle | None = None

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        protocol = self._protocol
        if not protocol.chunks:
            if protocol.error is not None:
                raise httpcore2.ReadError(str(protocol.error) or type(protocol.error).__name__)
            if protocol.eof:
                return b""
            await self._wait(timeout)
            if not protocol.chunks:
                if protocol.error is not None:
                    raise httpcore2.ReadError(str(protocol.error) or type(protocol.error).__name__)
                return b""
        chunks = protocol.chunks
        data = chunks.popleft()
        if len(data) > max_bytes:
            chunks.appendleft(data[max_bytes:])
            data = data[:max_bytes]
        elif chunks and len(data) + len(chunks[0]) <= max_bytes:  # several small chunks: one read
            parts = [data]
            size = len(data)
            while chunks and size + len(chunks[0]) <= max_bytes:
                part = chunks.popleft()
                parts.append(part)
                size += len(part)
            data = b"".join(parts)
        protocol.buffered -= len(data)
        if protocol.reading_paused and protocol.buffered <= READ_AHEAD_LIMIT // 4:
            protocol.reading_paused = False
            self._transport.resume_reading()
        return data

    async def _wait(self, timeout: float | None) -> None:
        waiter = self._protocol.waiter = self._loop.create_future()
        if timeout is not None:
            self._deadline = deadline = self._loop.time() + timeout
            if self._timer is None or self._timer.when() > deadline:
                if self._timer is not None:
                    self._timer.cancel()
                self._timer = self._loop.call_at(deadline, self._check_deadline)
        else:
            self._deadline = None
        try:
            await waiter
        finally:
            self._protocol.waiter = None
            self._deadline = None

    def _check_deadline(self) -> None:
        self._timer = None
        waiter, deadline = self._protocol.waiter, self._deadline
        if waiter is None or waiter.done() or deadline is None:
            return
        if self._loop.time() >= deadline:
            waiter.set_exception(httpcore2.ReadTimeout("Timed out while reading"))
        else:
            self._timer = self._loop.call_at(deadline, self._check_deadline)

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        if not buffer:
            return
        protocol = self._protocol
        if protocol.error is not None or self._transport.is_closing():
            raise httpcore2.WriteError(str(protocol.error or "The connection is closed"))
        self._transport.write(buffer)
        if protocol.writing_paused:
            protocol.drained = self._loop.create_future()
            try:
                async with asyncio.timeout(timeout):
                    await protocol.drained
            except TimeoutError:
                raise httpcore2.WriteTimeout("Timed out while writing") from None
            finally:
                protocol.drained = None
            if protocol.error is not None:
                raise httpcore2.WriteError(str(protocol.error))

    async def aclose(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        self._transport.close()

    async def start_tls(
        self, ssl_context: ssl.SSLContext, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore2.AsyncNetworkStream:
        try:
            async with asyncio.timeout(timeout):
                transport = await self._loop.start_tls(
                    self._transport, self._protocol, ssl_context, server_hostname=server_hostname
                )
        except TimeoutError:
            self._transport.abort()
            raise httpcore2.ConnectTimeout("Timed out during the TLS handshake") from None
        except (OSError, ssl.SSLError) as exc:
            self._transport.abort()
            raise httpcore2.ConnectError(str(exc) or type(exc).__name__) from exc
        if transport is None:  # the connection closed during the handshake
            raise httpcore2.ConnectError("The connection closed during the TLS handshake")
        assert isinstance(transport, asyncio.Transport)
        self._protocol.transport = transport
        return AsyncioStream(transport, self._protocol)

    def get_extra_info(self, info: str) -> Any:
        if info == "is_readable":
            # httpcore asks this of an idle pooled connection: readable means the server sent something
            # or closed it, so it cannot be reused. The protocol already knows without a system call.
            protocol = self._protocol
            return bool(protocol.chunks) or protocol.eof or self._transport.is_closing()
        if info == "ssl_object":  # (asyncio's TLS transport cannot answer once it is closed)
            return None if self._transport.is_closing() else self._transport.get_extra_info("ssl_object")
        if info == "client_addr":
            return self._transport.get_extra_info("sockname")
        if info == "server_addr":
            return self._transport.get_extra_info("peername")
        if info == "socket":
            return self._transport.get_extra_info("socket")
        return None
