"""Frames to everyone connected to a chat, through the channel-layer group `chat.<id>`."""

from __future__ import annotations

from typing import Any

from channels.layers import get_channel_layer


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
    layer = get_channel_layer()
    for frame in frames:
        await layer.group_send(chat_group(chat_id), {"type": "chat.frame", "frame": frame})


async def control_send(chat_id: int, message: dict[str, Any]) -> None:
    """Send a control message (stop, resync) to whichever process runs the chat's generation."""
    await get_channel_layer().group_send(control_group(chat_id), message)


async def observers_broadcast(chat_id: int, *frames: dict[str, Any]) -> None:
    """Send frames to the chat's observers only."""
    layer = get_channel_layer()
    for frame in frames:
        await layer.group_send(observer_group(chat_id), {"type": "chat.frame", "frame": frame})


async def chat_event(chat_id: int, event: dict[str, Any]) -> None:
    """Send a non-frame event (presence bookkeeping) to every socket of the chat."""
    await get_channel_layer().group_send(chat_group(chat_id), event)
