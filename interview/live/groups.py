"""Frames to everyone connected to a chat, through the channel-layer group `chat.<id>`."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import BaseChannelLayer, get_channel_layer
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

logger = logging.getLogger(__name__)

# One member per server process (its socket guard, interview/live/guard.py), not one per socket.
ACCESS_GROUP = "sockets.access"


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
        await layer.group_send(chat_group(chat_id), {"type": "chat.frame", "frame": frame})


async def control_send(chat_id: int, message: dict[str, Any]) -> None:
    """Send a control message (stop, resync) to whichever process runs the chat's generation."""
    await channel_layer().group_send(control_group(chat_id), message)


async def observers_broadcast(chat_id: int, *frames: dict[str, Any]) -> None:
    """Send frames to the chat's observers only."""
    layer = channel_layer()
    for frame in frames:
        await layer.group_send(observer_group(chat_id), {"type": "chat.frame", "frame": frame})


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
        "type": "access.changed",
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
            await layer.group_send(control_group(chat_id), {"type": "generation.stop", "message_id": None})
