"""The observer's socket: /ws/observe/<chat_id>/ — live transcript, private notes, extend, end, and steering
(probe, skip, pause, resume)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from interview.accounts.permissions import role_of
from interview.audit.context import origin_of_scope, origin_set
from interview.core.errors import ErrorCode
from interview.interviews import steering
from interview.interviews.notes import observer_note_add, observer_notes_list
from interview.live import protocol as p
from interview.live.access import OK, chat_access
from interview.live.dblane import db_urgent
from interview.live.deadlines import WATCHER, resume_announce
from interview.live.generation import generation_stop
from interview.live.groups import (
    PRESENCE_HERE,
    PRESENCE_JOIN,
    PRESENCE_LEAVE,
    chat_broadcast,
    chat_event,
    observer_group,
    observers_broadcast,
)
from interview.live.probes import probe_announce
from interview.live.sockets import ChatSocket
from interview.models import Chat


class ObserverConsumer(ChatSocket):
    """An admin, or the interviewer who sent the invitation, watching a chat as it happens."""

    role = "observer"
    allowed_types = p.OBSERVER_TYPES

    def access(self, user: Any) -> str:
        """'ok' for admins (any chat) and the inviting interviewer; 'forbidden' for everyone else."""
        chat = Chat.objects.select_related("invitation").filter(pk=self.chat_id).first()
        verdict = chat_access(user, chat, observer=True)
        if verdict == OK:
            self.person_name = user.get_full_name() or user.username  # what the candidate sees on a probe
            self.display_name = f"{self.person_name} ({role_of(user)})"
        return verdict

    async def join(self) -> None:
        """Join the chat's group and the observers-only group, and tell everyone we are here."""
        origin_set(origin_of_scope(self.scope))  # this socket's address and browser, for its audit events
        await super().join()
        await self.channel_layer.group_add(observer_group(self.chat_id), self.channel_name)
        await chat_event(self.chat_id, {"type": PRESENCE_JOIN, "channel": self.channel_name, "name": self.display_name})

    async def disconnect(self, code: int) -> None:
        """Leave both groups and tell everyone we left."""
        if self.joined:
            await self.channel_layer.group_discard(observer_group(self.chat_id), self.channel_name)
            await chat_event(self.chat_id, {"type": PRESENCE_LEAVE, "channel": self.channel_name})
        await super().disconnect(code)

    def snapshot_data(self) -> dict[str, Any]:
        data = super().snapshot_data()
        data["notes"] = observer_notes_list(self.chat_id)
        data["probes"] = list(Chat.objects.filter(pk=self.chat_id).values_list("probes", flat=True).first() or [])
        return data

    async def presence_query(self, event: dict[str, Any]) -> None:
        """Answer a newcomer's question: we are watching."""
        await self.channel_layer.send(
            event["reply_channel"], {"type": PRESENCE_HERE, "channel": self.channel_name, "name": self.display_name}
        )

    async def on_observer_note(self, frame: p.ClientFrame) -> None:
        note = await db_urgent(observer_note_add)(
            chat_id=self.chat_id,
            author_id=self.holder.user_id,
            text=frame.content,
            now=timezone.now(),
            confirm_language=frame.confirm_language,
        )
        await observers_broadcast(self.chat_id, p.note_created(note))

    async def on_question_extend(self, frame: p.ClientFrame) -> None:
        now = timezone.now()
        result = await db_urgent(steering.observer_question_extend)(
            chat_id=self.chat_id, by=self.holder.user_id, seconds=frame.seconds, now=now
        )
        await chat_broadcast(
            self.chat_id, p.question_extended(result["index"], result["deadline"], result["seconds"], now, result)
        )
        WATCHER.poke()

    async def on_interview_end(self, frame: p.ClientFrame) -> None:
        now = timezone.now()
        if await db_urgent(steering.observer_interview_end)(chat_id=self.chat_id, by=self.holder.user_id, now=now):
            await generation_stop(self.chat_id)
            await chat_broadcast(self.chat_id, p.interview_completed("ended_by_interviewer", now))
        else:
            await self.send_frame(p.error(ErrorCode.COMPLETED, "This interview has already ended."))

    async def on_observer_probe(self, frame: p.ClientFrame) -> None:
        """Queue a verbatim question for the current key question; asked at once when the candidate is idle."""
        now = timezone.now()
        result = await db_urgent(steering.probe_submit)(
            chat_id=self.chat_id, content=frame.content, by=self.holder.user_id, by_name=self.person_name, now=now
        )
        await observers_broadcast(self.chat_id, p.probe_queued(result.probe))
        if result.delivery is not None:
            await probe_announce(self.chat_id, result.delivery, now)

    async def on_question_skip(self, frame: p.ClientFrame) -> None:
        """End the running question as skipped and move on, as after an expiry."""
        now = timezone.now()
        result = await db_urgent(steering.question_skip)(chat_id=self.chat_id, now=now, by=self.holder.user_id)
        frames = [
            p.question_expired(result.index, now, result.follow_up),
            p.question_skipped(result.index, now, self.person_name, result.follow_up),
        ]
        if result.turn is not None:
            frames.extend(p.message_created(message, "") for message in result.turn.created)
        await chat_broadcast(self.chat_id, *frames)
        if result.turn is not None:
            WATCHER.launch(result.turn)

    async def on_interview_pause(self, frame: p.ClientFrame) -> None:
        """Stop every clock until an observer resumes (or PAUSE_MAX_SECONDS pass)."""
        now = await db_urgent(steering.interview_pause)(
            chat_id=self.chat_id, by=self.holder.user_id, by_name=self.person_name, reason=frame.content,
            now=timezone.now(),
        )  # fmt: skip
        await chat_broadcast(self.chat_id, p.interview_paused(self.person_name, frame.content, now))

    async def on_interview_resume(self, frame: p.ClientFrame) -> None:
        """Restart the clocks, each moved by the time paused."""
        now = timezone.now()
        result = await db_urgent(steering.interview_resume)(
            chat_id=self.chat_id, now=now, reason=frame.content, by=self.holder.user_id
        )
        assert result is not None
        await resume_announce(self.chat_id, result, now)
