"""This process's open chat sockets, checked again after they connected.

Access is checked on connect; a logout, a password change, a deactivation, a lost role or a
reassigned invitation must also close sockets that are already open. Every process runs one guard:
it joins the channel-layer group `sockets.access` once (one member per process, not per socket),
where such changes are announced (`access_changed` in interview/live/groups.py), and it checks every
open socket again each SOCKET_RECHECK_SECONDS in one batched read, which catches what no signal
announces (an expired session, a direct database update). A socket that lost access is told to
close through its own channel, so the close is ordered after the frames it has already queued.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.utils import timezone

from interview.live import access
from interview.live.dblane import db_background
from interview.live.groups import ACCESS_GROUP, ACCESS_REVOKE, channel_layer

if TYPE_CHECKING:
    from interview.live.sockets import ChatSocket

logger = logging.getLogger(__name__)

# How often the guard joins its group again (memberships expire on some layers).
REJOIN_SECONDS = 600.0


class SocketGuard:
    """Closes this process's sockets whose user or chat no longer allows them (4401, 4403, 4404)."""

    def __init__(self) -> None:
        self._sockets: set[ChatSocket] = set()
        self._tasks: tuple[asyncio.Task[None], asyncio.Task[None]] | None = None
        self._wake: asyncio.Event | None = None
        self._channel: str | None = None
        self._joined = 0.0
        # What announcements asked to check since the last pass.
        self._users: set[int] = set()
        self._chats: set[int] = set()

    def add(self, socket: ChatSocket) -> None:
        """Watch an open socket (it passed the connect-time check)."""
        self._ensure_started()
        self._sockets.add(socket)

    def discard(self, socket: ChatSocket) -> None:
        self._sockets.discard(socket)

    def _ensure_started(self) -> None:
        loop = asyncio.get_running_loop()
        if self._tasks is not None and not self._tasks[0].done() and self._tasks[0].get_loop() is loop:
            return
        self._sockets.clear()  # sockets of an earlier loop (tests) are gone with it
        self._wake = asyncio.Event()
        self._tasks = (
            loop.create_task(self._listen(), name="socket-guard-listen"),
            loop.create_task(self._run(), name="socket-guard"),
        )

    async def _listen(self) -> None:
        """Receive access announcements for this process and wake the checking loop."""
        layer = channel_layer()
        if self._channel is not None:  # the channel of an earlier event loop (tests)
            with contextlib.suppress(Exception):
                await layer.group_discard(ACCESS_GROUP, self._channel)
        channel = self._channel = await layer.new_channel()
        await layer.group_add(ACCESS_GROUP, channel)
        self._joined = time.monotonic()
        while True:
            # Never cancelled while the process runs: see Generation._control_end on cancelled receives.
            try:
                message = await layer.receive(channel)
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception("Socket guard: receiving access announcements failed")
                await asyncio.sleep(1)
                continue
            await self._announced(message)

    async def _rejoin(self) -> None:
        """Join the group again now and then: memberships expire on some layers (channels-redis core: a day)."""
        if self._channel is not None and time.monotonic() - self._joined > REJOIN_SECONDS:
            self._joined = time.monotonic()
            await channel_layer().group_add(ACCESS_GROUP, self._channel)

    async def _announced(self, message: dict[str, Any]) -> None:
        sessions = set(message.get("sessions") or ())
        if sessions:  # logged out: those sessions are ending, close their sockets without a look
            for socket in [s for s in self._sockets if s.holder.session_key in sessions]:
                await self._revoke(socket, access.UNAUTHENTICATED)
        self._users.update(message.get("users") or ())
        self._chats.update(message.get("chats") or ())
        if self._users or self._chats:
            assert self._wake is not None
            self._wake.set()

    async def _run(self) -> None:
        """Check the announced sockets at once, and all of them every SOCKET_RECHECK_SECONDS."""
        assert self._wake is not None
        next_full = time.monotonic() + settings.SOCKET_RECHECK_SECONDS
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=max(0.0, next_full - time.monotonic()))
            self._wake.clear()
            users, chats = self._users, self._chats
            self._users, self._chats = set(), set()
            if time.monotonic() >= next_full:
                next_full = time.monotonic() + settings.SOCKET_RECHECK_SECONDS
                sockets = list(self._sockets)
                with contextlib.suppress(Exception):
                    await self._rejoin()
            else:
                sockets = [s for s in self._sockets if s.holder.user_id in users or s.holder.chat_id in chats]
            try:
                await self.check(sockets)
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception("Socket guard: checking open sockets failed")

    async def check(self, sockets: list[ChatSocket]) -> None:
        """Check these sockets again in one batched read; close those that lost access."""
        if not sockets:
            return
        holders = [socket.holder for socket in sockets]
        verdicts = await db_background(access.socket_access_recheck)(holders, now=timezone.now())
        for socket, verdict in zip(sockets, verdicts, strict=True):
            if verdict != access.OK:
                await self._revoke(socket, verdict)

    async def _revoke(self, socket: ChatSocket, verdict: str) -> None:
        self._sockets.discard(socket)
        try:
            await channel_layer().send(socket.channel_name, {"type": ACCESS_REVOKE, "verdict": verdict})
        except Exception:  # a full channel: close it from here
            logger.warning("Socket guard: could not queue the close of %s; closing now", socket.channel_name)
            await socket.revoke(verdict)


GUARD = SocketGuard()
