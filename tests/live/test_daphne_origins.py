"""The WebSocket origin check of a real daphne: only its own origin (scheme, host and port) opens a socket."""

from __future__ import annotations

import pytest
import websockets
from websockets.exceptions import InvalidStatus

from tests.live.server import DaphneProcess

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def daphne(django_db_setup):
    server = DaphneProcess().start()
    yield server
    server.stop()


async def _handshake_status(server, origin: str | None) -> int:
    """101 when the socket opened (the consumer may close it later), else the refusal's HTTP status."""
    try:
        async with websockets.connect(f"{server.ws}/ws/interview/1/", origin=origin, open_timeout=5):
            return 101
    except InvalidStatus as refused:
        return refused.response.status_code


async def test_daphne_own_origin_opens(daphne):
    assert await _handshake_status(daphne, daphne.http) == 101


@pytest.mark.parametrize(
    "origin",
    [
        pytest.param("http://127.0.0.1:9999", id="wrong-port"),
        pytest.param("https://127.0.0.1:{port}", id="wrong-scheme"),
        pytest.param("http://evil.example:{port}", id="other-host"),
        pytest.param("null", id="null"),
        pytest.param(None, id="missing"),
    ],
)
async def test_daphne_refuses_origin(daphne, origin):
    assert await _handshake_status(daphne, origin and origin.format(port=daphne.port)) == 403
