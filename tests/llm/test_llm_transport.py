"""The asyncio network backend under the openai client's connections (interview/llm/transport.py).

Real sockets on 127.0.0.1 (and a Unix socket); the HTTPS test uses a throwaway self-signed
certificate made with the openssl command-line tool.
"""

from __future__ import annotations

import asyncio
import shutil
import ssl
import subprocess
from collections.abc import AsyncIterator, Awaitable, Callable

import httpcore2
import httpx2
import pytest

from interview.llm import transport as t
from tests.fakes.openai_server import unused_base_url

Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


@pytest.fixture
async def serve() -> AsyncIterator[Callable[..., Awaitable[int]]]:
    """Start a TCP server on 127.0.0.1 running `handler` per connection; returns its port."""
    servers: list[asyncio.Server] = []

    async def start(handler: Handler, **kwargs) -> int:
        server = await asyncio.start_server(handler, "127.0.0.1", 0, **kwargs)
        servers.append(server)
        return server.sockets[0].getsockname()[1]

    yield start
    for server in servers:
        server.close()
        await server.wait_closed()


async def connect(port: int) -> t.AsyncioStream:
    stream = await t.AsyncioBackend().connect_tcp("127.0.0.1", port, timeout=1.0)
    assert isinstance(stream, t.AsyncioStream)
    return stream


async def read_all(stream: httpcore2.AsyncNetworkStream, size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = await stream.read(65536, timeout=2.0)
        assert chunk, f"the stream ended after {len(data)} of {size} bytes"
        data += chunk
    return data


async def test_reads_what_the_peer_writes_in_order_and_the_end_as_empty(serve):
    async def handler(reader, writer):
        line = await reader.readline()
        for i in range(50):
            writer.write(b"%d;" % i)
            await writer.drain()
        writer.write(line.upper())
        writer.close()

    stream = await connect(await serve(handler))
    await stream.write(b"hello\n", timeout=1.0)
    expected = b"".join(b"%d;" % i for i in range(50)) + b"HELLO\n"
    assert await read_all(stream, len(expected)) == expected
    assert await stream.read(100, timeout=1.0) == b""
    await stream.aclose()


async def test_a_read_returns_at_most_max_bytes_and_keeps_the_rest(serve):
    async def handler(reader, writer):
        writer.write(b"abcdefghij")
        await writer.drain()
        await reader.read()

    stream = await connect(await serve(handler))
    first = await stream.read(4, timeout=1.0)
    assert first == b"abcd"
    assert await read_all(stream, 6) == b"efghij"
    await stream.aclose()


async def test_a_silent_peer_times_the_read_out_and_later_data_still_arrives(serve):
    go = asyncio.Event()

    async def handler(reader, writer):
        await go.wait()
        writer.write(b"late")
        await writer.drain()
        await reader.read()

    stream = await connect(await serve(handler))
    loop = asyncio.get_running_loop()
    started = loop.time()
    with pytest.raises(httpcore2.ReadTimeout):
        await stream.read(100, timeout=0.2)
    assert 0.15 <= loop.time() - started < 1.0
    go.set()
    assert await stream.read(100, timeout=1.0) == b"late"
    await stream.aclose()


async def test_timeouts_of_successive_reads_are_each_their_own(serve):
    """The connection's one timer is moved, not left at an earlier read's deadline."""

    async def handler(reader, writer):
        for _ in range(6):
            await asyncio.sleep(0.06)
            writer.write(b"x")
            await writer.drain()
        await reader.read()

    stream = await connect(await serve(handler))
    # Each read waits ~60 ms with a 150 ms timeout: 360 ms in all, well past any single deadline.
    for _ in range(6):
        assert await stream.read(10, timeout=0.15) == b"x"
    with pytest.raises(httpcore2.ReadTimeout):
        await stream.read(10, timeout=0.1)
    await stream.aclose()


async def test_reading_ahead_pauses_the_socket_and_loses_nothing(serve):
    size = 4 * t.READ_AHEAD_LIMIT
    payload = bytes(range(256)) * (size // 256)

    async def handler(reader, writer):
        writer.write(payload)
        await writer.drain()
        await reader.read()

    stream = await connect(await serve(handler))
    protocol = stream._protocol
    for _ in range(200):  # let the peer fill the buffer while nobody reads
        await asyncio.sleep(0.005)
        if protocol.reading_paused:
            break
    assert protocol.reading_paused, "reading was never paused"
    assert t.READ_AHEAD_LIMIT < protocol.buffered < size
    assert await read_all(stream, size) == payload
    assert not protocol.reading_paused
    await stream.aclose()


async def test_a_connection_the_peer_closed_reports_itself_readable(serve):
    """httpcore drops an idle pooled connection that is readable instead of sending a request on it."""
    closed = asyncio.Event()

    async def handler(reader, writer):
        await reader.readline()
        writer.close()
        closed.set()

    stream = await connect(await serve(handler))
    assert stream.get_extra_info("is_readable") is False
    await stream.write(b"bye\n")
    await closed.wait()
    for _ in range(100):
        await asyncio.sleep(0.01)
        if stream.get_extra_info("is_readable"):
            break
    assert stream.get_extra_info("is_readable") is True
    assert stream.get_extra_info("server_addr")[0] == "127.0.0.1"
    await stream.aclose()


async def test_writing_to_a_closed_connection_raises_write_error(serve):
    async def handler(reader, writer):
        writer.close()

    stream = await connect(await serve(handler))
    await stream.aclose()
    with pytest.raises(httpcore2.WriteError):
        await stream.write(b"anything", timeout=1.0)


async def test_connecting_to_a_closed_port_raises_connect_error():
    port = int(unused_base_url().rsplit(":", 1)[1].split("/")[0])
    with pytest.raises(httpcore2.ConnectError):
        await t.AsyncioBackend().connect_tcp("127.0.0.1", port, timeout=1.0)


async def test_the_pool_reuses_a_kept_alive_connection_and_replaces_one_the_server_closed(serve):
    peers: list[tuple[str, int]] = []

    async def handler(reader, writer):
        peers.append(writer.get_extra_info("peername"))
        while await reader.readuntil(b"\r\n\r\n"):
            writer.write(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok")
            await writer.drain()
            if len(peers) == 1:  # the first connection serves two requests, then the server drops it
                await reader.readuntil(b"\r\n\r\n")
                writer.write(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok")
                await writer.drain()
                writer.close()
                return

    port = await serve(handler)
    async with httpx2.AsyncClient(transport=t.http_transport()) as client:
        for _ in range(2):
            response = await client.get(f"http://127.0.0.1:{port}/")
            assert response.text == "ok"
        await asyncio.sleep(0.1)  # the close reaches the idle pooled connection
        response = await client.get(f"http://127.0.0.1:{port}/")
        assert response.text == "ok"
    assert len(peers) == 2  # two requests on the first connection, the third on a new one


async def test_unix_socket(tmp_path):
    path = str(tmp_path / "s.sock")

    async def handler(reader, writer):
        await reader.readuntil(b"\r\n\r\n")
        writer.write(b"HTTP/1.1 200 OK\r\ncontent-length: 4\r\n\r\nunix")
        await writer.drain()
        writer.close()

    server = await asyncio.start_unix_server(handler, path)
    try:
        async with httpx2.AsyncClient(transport=t.http_transport(uds=path)) as client:
            assert (await client.get("http://localhost/")).text == "unix"
    finally:
        server.close()
        await server.wait_closed()


@pytest.mark.skipif(shutil.which("openssl") is None, reason="needs the openssl command")
async def test_https_through_start_tls(serve, tmp_path):
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_context.load_cert_chain(cert, key)
    body = b"secret " * 20000  # larger than one TLS record

    async def handler(reader, writer):
        await reader.readuntil(b"\r\n\r\n")
        writer.write(b"HTTP/1.1 200 OK\r\ncontent-length: %d\r\n\r\n" % len(body) + body)
        await writer.drain()
        writer.close()

    port = await serve(handler, ssl=server_context)
    client_context = ssl.create_default_context(cafile=str(cert))
    async with httpx2.AsyncClient(transport=t.http_transport(verify=client_context)) as client:
        async with client.stream("GET", f"https://127.0.0.1:{port}/") as response:
            assert response.extensions["network_stream"].get_extra_info("ssl_object") is not None
            assert await response.aread() == body
    # A client that does not trust the certificate is refused during the handshake.
    async with httpx2.AsyncClient(transport=t.http_transport()) as client:
        with pytest.raises(httpx2.ConnectError):
            await client.get(f"https://127.0.0.1:{port}/")
