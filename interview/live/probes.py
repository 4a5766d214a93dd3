"""Telling everyone on a chat that an observer's probe was asked (from whichever path asked it)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from interview.interviews.services import ProbeDelivery
from interview.live import protocol as p
from interview.live.deadlines import WATCHER
from interview.live.groups import chat_broadcast, observers_broadcast


def probe_frames(delivery: ProbeDelivery, now: datetime) -> list[dict[str, Any]]:
    """What everyone sees when a probe is asked: its stored message, then its question's clock."""
    return [p.message_created(delivery.message, ""), p.question_started(delivery.question, now)]


async def probe_announce(chat_id: int, delivery: ProbeDelivery, now: datetime, *before: dict[str, Any]) -> None:
    """Broadcast `before` and the probe's frames to everyone, `probe.asked` to observers, and wake the watcher."""
    await chat_broadcast(chat_id, *before, *probe_frames(delivery, now))
    await observers_broadcast(chat_id, p.probe_asked(delivery.probe, delivery.question, now))
    WATCHER.poke(delivery.question["deadline"])
