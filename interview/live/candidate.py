"""The candidate's live interview socket: /ws/interview/<chat_id>/."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from interview.interviews import services as svc
from interview.live import protocol as p
from interview.live.dblane import db_urgent
from interview.live.deadlines import recovery_frames
from interview.live.generation import generation_launch, generation_stop
from interview.live.groups import chat_broadcast
from interview.live.probes import probe_announce
from interview.live.sockets import ChatSocket
from interview.llm import get_provider


class InterviewConsumer(ChatSocket):
    """The candidate drives the interview: start, answer, stop and retry."""

    async def on_interview_start(self, frame: p.ClientFrame) -> None:
        turn = await db_urgent(svc.interview_start)(
            chat_id=self.chat_id, now=timezone.now(), model_name=get_provider().model_name
        )
        if turn is not None:
            await self._launch(turn)

    async def on_answer_submit(self, frame: p.ClientFrame) -> None:
        result = await db_urgent(svc.answer_submit)(
            chat_id=self.chat_id, client_id=frame.id, content=frame.content, now=timezone.now()
        )
        if result.probe is not None:  # an observer's probe waited for this answer: it is asked now
            await probe_announce(
                self.chat_id, result.probe, timezone.now(), p.message_created(result.user_message, frame.id)
            )
            return
        if result.duplicate or result.turn is None:
            await self.send_frame(p.message_created(result.user_message, frame.id))
            return
        await self._launch(result.turn, user_message=result.user_message, client_id=frame.id)

    async def on_generation_stop(self, frame: p.ClientFrame) -> None:
        await generation_stop(self.chat_id)

    async def on_generation_retry(self, frame: p.ClientFrame) -> None:
        turn = await db_urgent(svc.generation_retry)(chat_id=self.chat_id, now=timezone.now())
        await self._launch(turn)

    async def _launch(
        self, turn: svc.TurnStart, *, user_message: dict[str, Any] | None = None, client_id: str = ""
    ) -> None:
        frames = recovery_frames(turn.recovered, timezone.now()) if turn.recovered else []
        if user_message:
            frames.append(p.message_created(user_message, client_id))
        frames.extend(p.message_created(message, "") for message in turn.created)
        await chat_broadcast(self.chat_id, *frames)
        generation_launch(turn)
