"""Frames to everyone connected to a chat, through the channel-layer group `chat.<id>`."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import BaseChannelLayer, get_channel_layer
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from interview.live import protocol as p
from live_interview import channel_layers as layers

logger = logging.getLogger(__name__)

# One member per server process (its socket guard, interview/live/guard.py), not one per socket.
ACCESS_GROUP = "sockets.access"

# Channel-layer event types, declared once. Channels calls the receiver's method named after the type
# ("presence.join" → `presence_join`); the protocol's frames travel inside CHAT_FRAME events.
CHAT_FRAME = "chat.frame"  # a protocol frame, to every socket of the chat
CHAT_GONE = "chat.gone"  # the chat was deleted: its sockets close (4404)
PRESENCE_JOIN = "presence.join"  # an observer joined
PRESENCE_LEAVE = "presence.leave"  # an observer left
PRESENCE_QUERY = "presence.query"  # a newcomer asks who is watching
PRESENCE_HERE = "presence.here"  # an observer's answer, to the newcomer's channel
GENERATION_STOP = p.GENERATION_STOP  # the client's stop frame, forwarded to the reply's owner
GENERATION_SYNC = "generation.sync"  # to the control group: resend the reply from an offset
GENERATION_CONTROL_END = "generation.control.end"  # a generation ends its own control loop
ACCESS_CHANGED = "access.changed"  # to every guard: check these users', chats' and sessions' sockets
ACCESS_REVOKE = "access.revoke"  # from the guard to one socket: close for lost access


def channel_layer() -> BaseChannelLayer:
    """The process's channel layer (settings always configure one)."""
    layer = get_channel_layer()
    if layer is None:
        raise ImproperlyConfigured("CHANNEL_LAYERS has no default layer")
    return layer


def chat_group(chat_id: int) -> str:
    return f"chat.{chat_id}"


def observer_group(chat_id: int) -> str:
    """Observers only: frames the candidate must never receive (private notes)."""
    return f"chatobs.{chat_id}"


def control_group(chat_id: int) -> str:
    """The group of the process that owns the chat's running generation."""
    return f"chatctl.{chat_id}"


async def chat_broadcast(chat_id: int, *frames: dict[str, Any]) -> None:
    """Send frames, in order, to every socket (candidate and observers) of the chat."""
    layer = channel_layer()
    for frame in frames:
        await layer.group_send(chat_group(chat_id), {"type": CHAT_FRAME, "frame": frame})


async def chat_delta_broadcast(chat_id: int, frame: dict[str, Any]) -> None:
    """Send a streaming delta to every socket of the chat; other processes get it only when one of them
    has a socket in the chat (REMOTE_OPTIONAL in live_interview/channel_layers.py): a socket that joined
    there since the layer last looked recovers what it missed from the offsets."""
    await channel_layer().group_send(
        chat_group(chat_id), {"type": CHAT_FRAME, "frame": frame, layers.REMOTE_OPTIONAL: True}
    )


async def control_send(chat_id: int, message: dict[str, Any]) -> None:
    """Send a control message (stop, resync) to whichever process runs the chat's generation."""
    await channel_layer().group_send(control_group(chat_id), message)


async def observers_broadcast(chat_id: int, *frames: dict[str, Any]) -> None:
    """Send frames to the chat's observers only."""
    layer = channel_layer()
    for frame in frames:
        await layer.group_send(observer_group(chat_id), {"type": CHAT_FRAME, "frame": frame})


async def chat_event(chat_id: int, event: dict[str, Any]) -> None:
    """Send a non-frame event (presence bookkeeping) to every socket of the chat."""
    await channel_layer().group_send(chat_group(chat_id), event)


def access_changed(
    *, users: Iterable[int] = (), chats: Iterable[int] = (), sessions: Iterable[str] = (), stop: bool = False
) -> None:
    """From sync code: after the commit, tell every process to check again the sockets of these users and chats.

    Sockets opened with one of `sessions` are closed (4401) without a check: the session is being
    ended. With `stop`, the chats' running generations are stopped too (the chats were deleted).
    A failure to notify is logged and never breaks the write; the guards' periodic pass still runs.
    """
    message = {
        "type": ACCESS_CHANGED,
        "users": sorted(set(users)),
        "chats": sorted(set(chats)),
        "sessions": sorted(set(sessions)),
    }
    if message["users"] or message["chats"] or message["sessions"]:
        transaction.on_commit(lambda: _publish(message, stop))


def _publish(message: dict[str, Any], stop: bool) -> None:
    try:
        async_to_sync(_send_access_changed)(message, stop)
    except Exception:
        logger.exception("Could not tell the server processes to check their sockets again")


async def _send_access_changed(message: dict[str, Any], stop: bool) -> None:
    layer = channel_layer()
    await layer.group_send(ACCESS_GROUP, message)
    if stop:
        for chat_id in message["chats"]:
            await layer.group_send(control_group(chat_id), {"type": GENERATION_STOP, "message_id": None})
