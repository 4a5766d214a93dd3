"""A logout on one server process closes the user's socket on another at once (Redis between them)."""

import asyncio
import re
import time
import urllib.parse
import urllib.request
import uuid

import pytest
import redis
import websockets
from asgiref.sync import sync_to_async

from tests.factories import ChatFactory
from tests.live.server import DaphneProcess, session_cookie

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

REDIS_URL = "redis://127.0.0.1:6379/3"


@pytest.fixture
def two_servers(offline_llm):
    redis.Redis.from_url(REDIS_URL).ping()  # the local Redis every machine runs; a failure here is real
    # No periodic pass during the test: only the logout's announcement can close the socket in time.
    env = {"REDIS_URL": REDIS_URL, "CHANNEL_PREFIX": f"test-{uuid.uuid4().hex[:8]}", "SOCKET_RECHECK_SECONDS": "60"}
    first, second = DaphneProcess(env=env).start(), DaphneProcess(env=env).start()
    yield first, second
    first.stop()
    second.stop()


def log_out(server, cookie):
    """Log out through the real page form: read the CSRF token from the home page, post the form."""
    with urllib.request.urlopen(urllib.request.Request(f"{server.http}/", headers={"Cookie": cookie})) as response:
        page = response.read().decode()
        csrf_cookie = response.headers.get_all("Set-Cookie") or []
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    cookies = "; ".join([cookie, *(c.split(";", 1)[0] for c in csrf_cookie if c.startswith("csrftoken="))])
    body = urllib.parse.urlencode({"csrfmiddlewaretoken": token}).encode()
    request = urllib.request.Request(
        f"{server.http}/accounts/logout/", data=body, headers={"Cookie": cookies, "Referer": f"{server.http}/"}
    )
    opener = urllib.request.build_opener(NoRedirect)
    with opener.open(request) as response:
        return response.status


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


async def test_daphne_logout_on_one_process_closes_socket_on_other_4401(two_servers):
    first, second = two_servers
    chat = await sync_to_async(ChatFactory)()
    cookie = await sync_to_async(session_cookie)(chat.user)
    async with websockets.connect(
        f"{first.ws}/ws/interview/{chat.pk}/", additional_headers={"Cookie": cookie}, origin=first.http
    ) as ws:
        await ws.recv()  # the snapshot
        try:
            await asyncio.to_thread(log_out, second, cookie)
        except urllib.error.HTTPError as exc:
            assert exc.code == 302
        started = time.monotonic()
        with pytest.raises(websockets.ConnectionClosed) as info:
            async with asyncio.timeout(5):
                while True:
                    await ws.recv()
    assert info.value.rcvd.code == 4401 and time.monotonic() - started < 3
