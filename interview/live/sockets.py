"""What every chat socket shares: access, snapshot, group frames, delta dedupe and presence."""

from __future__ import annotations

import contextlib
import logging
from typing import Any

from channels.consumer import get_handler_name
from channels.exceptions import StopConsumer
from channels.generic.websocket import AsyncWebsocketConsumer
from channels.layers import get_channel_layer
from channels.utils import await_many_dispatch
from django.conf import settings
from django.contrib.auth import HASH_SESSION_KEY
from django.utils import timezone

from interview.accounts.consent import DECLINED, consent_state_of
from interview.core.errors import ServiceError
from interview.interviews import transcript as s
from interview.interviews.selectors import chat_state
from interview.live import access
from interview.live import protocol as p
from interview.live.dblane import db_urgent
from interview.live.deadlines import WATCHER, chat_settle
from interview.live.generation import REGISTRY
from interview.live.groups import CHAT_FRAME, GENERATION_SYNC, PRESENCE_QUERY, chat_event, chat_group, control_send
from interview.live.guard import GUARD
from interview.llm import get_provider
from interview.models import Chat, InvitedInterview, UserProfile
from interview.usage.quotas import budget_sends_offline

logger = logging.getLogger(__name__)

CLOSE_CODES = {
    access.UNAUTHENTICATED: p.CLOSE_UNAUTHENTICATED,
    access.FORBIDDEN: p.CLOSE_FORBIDDEN,
    access.MISSING: p.CLOSE_NOT_FOUND,
}


class ChatSocket(AsyncWebsocketConsumer):
    """What candidate and observer sockets share: access, snapshot, group frames, delta dedupe."""

    role = "candidate"
    allowed_types: frozenset[str] = p.CANDIDATE_TYPES

    chat_id: int
    holder: access.SocketHolder
    joined = False
    revoked = False  # closed by the server for lost access; nothing more is sent
    _busy = False  # a handler is running
    _taken = 0  # channel-layer messages received and not yet handled

    async def connect(self) -> None:
        """Accept, check who may open this chat (closing with 4401/4403/4404), join and snapshot."""
        await self.accept()
        self.chat_id = int(self.scope["url_route"]["kwargs"]["chat_id"])
        self._delivered: dict[str, int] = {}
        self._sync_requested: set[tuple[str, int]] = set()
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=p.CLOSE_UNAUTHENTICATED)
            return
        verdict = await db_urgent(self._first_check)(user)
        if verdict != access.OK:
            await self.close(code=CLOSE_CODES[verdict])
            return
        WATCHER.ensure_started()
        self._observers: dict[str, str] = {}
        await self.join()
        self.joined = True
        GUARD.add(self)  # checked again on logout, password or role changes, and periodically
        await chat_settle(self.chat_id)
        await self.send_snapshot()
        await chat_event(self.chat_id, {"type": PRESENCE_QUERY, "reply_channel": self.channel_name})

    async def dispatch(self, message: dict[str, Any]) -> None:
        """Route one socket or channel-layer message to its handler, without a thread hop per message.

        Channels' default first closes stale database connections in the sync thread, a hop per
        delta frame per socket. Every database call here goes through `database_sync_to_async`,
        which closes them on its own, so the hop only queued frames behind database writes.
        """
        from_layer = not message["type"].startswith("websocket.")
        try:
            if self.revoked and message["type"] != "websocket.disconnect":
                return
            handler = getattr(self, get_handler_name(message), None)
            if handler is None:
                raise ValueError(f"No handler for message type {message['type']}")
            self._busy = True
            try:
                await handler(message)
            finally:
                self._busy = False
        finally:
            if from_layer:
                self._taken -= 1

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        """Channels' AsyncConsumer.__call__, receiving from the layer through `_layer_receive`."""
        self.scope = scope
        layer = get_channel_layer(self.channel_layer_alias)
        assert layer is not None, "the live sockets need a channel layer (CHANNEL_LAYERS)"
        self.channel_layer = layer
        self.channel_name = await layer.new_channel()
        self.base_send = send
        with contextlib.suppress(StopConsumer):
            await await_many_dispatch([receive, self._layer_receive], self.dispatch)  # type: ignore[list-item]  # channels-stubs type the callables as ASGI receives

    async def _layer_receive(self) -> dict[str, Any]:
        """The next channel-layer message, counted as taken until `dispatch` has handled it."""
        message = await self.channel_layer.receive(self.channel_name)
        self._taken += 1
        return message

    async def deliver_now(self, message: dict[str, Any]) -> bool:
        """The layer's direct path: forward a chat's delta frame from the sender's task, if nothing is before it.

        The channel layer calls this instead of queueing the message when this socket's queue is empty
        (interview/live/channel_layers.py). It takes only delta frames that continue what this socket
        has, and only while no handler runs and no message taken from the queue waits for one, so
        frames keep their order and the snapshot comes first; anything else is queued as before. One
        frame costs a function call instead of a queue, a task wake-up and a wait per socket.
        """
        if message.get("type") != CHAT_FRAME or self._busy or self._taken or self.revoked or not self.joined:
            return False
        frame = message["frame"]
        if frame.get("type") != p.ASSISTANT_DELTA or frame["offset"] > self._delivered.get(frame["message_id"], 0):
            return False
        self._busy = True
        try:
            await self.chat_frame(message)
        except Exception:  # the sender's task must go on to the next socket
            logger.exception("Direct delivery to %s failed", self.channel_name)
        finally:
            self._busy = False
        return True

    async def join(self) -> None:
        """Join the groups whose frames this socket forwards."""
        await self.channel_layer.group_add(chat_group(self.chat_id), self.channel_name)
        if hasattr(self.channel_layer, "attach"):  # our layers: deltas come through deliver_now
            self.channel_layer.attach(self.channel_name, self.deliver_now)

    def _first_check(self, user: Any) -> str:
        """Record who holds the socket (user, session, password hash), then check access."""
        session = self.scope.get("session")
        key = session.session_key if session is not None else None
        self.holder = access.SocketHolder(
            user_id=user.pk,
            chat_id=self.chat_id,
            observer=self.role == "observer",
            session_key=key,
            session_hash=session.get(HASH_SESSION_KEY) if session is not None and key else None,
        )
        return self.access(user)

    def access(self, user: Any) -> str:
        """'ok', 'forbidden' or 'missing' for this user and chat (the candidate: owner only)."""
        chat = Chat.objects.filter(pk=self.chat_id).only("id", "user_id").first()
        return access.chat_access(user, chat, observer=False)

    async def access_revoke(self, event: dict[str, Any]) -> None:
        """The guard found this socket's user or chat no longer allows it: close (4401/4403/4404)."""
        await self.revoke(event["verdict"])

    async def chat_gone(self, event: dict[str, Any]) -> None:
        """The chat was deleted (its reply ended): close with 4404."""
        await self.revoke(access.MISSING)

    async def revoke(self, verdict: str) -> None:
        """Close the socket for lost access, once; nothing more is sent on it."""
        if self.revoked:
            return
        self.revoked = True
        GUARD.discard(self)
        await self.close(code=CLOSE_CODES[verdict])

    async def disconnect(self, code: int) -> None:
        """Leave the chat's group; a running generation carries on without this socket."""
        GUARD.discard(self)
        if hasattr(self.channel_layer, "detach"):
            self.channel_layer.detach(self.channel_name)
        if self.joined:
            await self.channel_layer.group_discard(chat_group(self.chat_id), self.channel_name)
            self.joined = False

    async def send_frame(self, frame: dict[str, Any]) -> None:
        await self.send(text_data=p.encode(frame))

    async def send_snapshot(self) -> None:
        """Send the whole chat, generation text included, and reset delta bookkeeping."""
        data = await db_urgent(self.snapshot_data)()
        generation = data.pop("generation")
        if generation is not None:
            local = REGISTRY.get(self.chat_id)
            if local is not None and local.message_id == generation["message_id"]:
                generation["text"] = local.text()
            for message in data["messages"]:
                if message["id"] == generation["message_id"]:
                    message["content"] = generation["text"]
        self._delivered = {
            m["id"]: len(m.get("content") or "") for m in data["messages"] if m.get("role") == "assistant"
        }
        self._sync_requested.clear()
        await self.send_frame(
            p.session_snapshot(
                generation=generation,
                server_time=timezone.now(),
                role=self.role,
                observers=self.observer_list(),
                **data,
            )
        )

    def snapshot_data(self) -> dict[str, Any]:
        # An orphaned reply (its generation's lease expired) was marked failed by chat_settle first.
        chat = Chat.objects.get(pk=self.chat_id)
        streaming = s.streaming_message(chat.messages)
        # Not started while the monthly cap is reached (LLM_BUDGET_EXCEEDED=offline): said before interview.start.
        capped = not chat.interviewer_model and not get_provider().is_offline and budget_sends_offline()
        return {
            "chat": {
                "id": chat.pk,
                "title": chat.title,
                "type": chat.type,
                "difficulty": chat.difficulty,
                # An accommodation: the time limits in every frame already include it (docs/protocol.md).
                "time_multiplier": f"{chat.time_multiplier:.2f}",
                "offline_reason": "budget" if capped else chat.offline_reason,
            },
            "messages": chat.messages,
            "state": chat_state(chat),
            "generation": {"message_id": streaming["id"], "text": streaming.get("content", "")} if streaming else None,
            "offline": chat.is_offline if chat.interviewer_model else (capped or self._offline_at_start(chat)),
        }

    @staticmethod
    def _offline_at_start(chat: Chat) -> bool:
        """Whether the offline interviewer will conduct a chat not started yet: nothing configured, or a practice
        chat of a user who declined to send their answers to the model (docs/operations.md "Consent")."""
        if get_provider().is_offline:
            return True
        profile = UserProfile.objects.filter(user_id=chat.user_id).first()
        practice = not InvitedInterview.objects.filter(chat_id=chat.pk).exists()
        return practice and consent_state_of(profile) == DECLINED

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        """Parse one client frame and hand it to its handler; refusals become error frames."""
        try:
            frame = p.parse_client_frame(text_data, allowed=self.allowed_types, max_content=settings.ANSWER_MAX_CHARS)
        except p.ProtocolError as exc:
            await self.send_frame(p.error(exc.code, exc.message))
            return
        handler = getattr(self, "on_" + frame.type.replace(".", "_"))
        try:
            await handler(frame)
        except ServiceError as exc:
            extra = {"client_id": frame.id} if frame.id else {}
            await self.send_frame(p.error(exc.code, exc.message, **exc.details, **extra))

    def observer_list(self) -> list[dict[str, str]]:
        return [{"name": name} for name in sorted(set(self._observers.values()))]

    async def _presence_changed(self) -> None:
        await self.send_frame(p.observer_presence(self.observer_list()))

    async def presence_join(self, event: dict[str, Any]) -> None:
        """An observer joined the chat (from any process)."""
        self._observers[event["channel"]] = event["name"]
        await self._presence_changed()

    async def presence_here(self, event: dict[str, Any]) -> None:
        """An observer answered our presence query."""
        if self._observers.get(event["channel"]) != event["name"]:
            self._observers[event["channel"]] = event["name"]
            await self._presence_changed()

    async def presence_leave(self, event: dict[str, Any]) -> None:
        """An observer left the chat."""
        if self._observers.pop(event["channel"], None) is not None:
            await self._presence_changed()

    async def presence_query(self, event: dict[str, Any]) -> None:
        """A socket joined and asks who is watching; only observers answer."""

    async def on_ping(self, frame: p.ClientFrame) -> None:
        await self.send_frame(p.pong(timezone.now()))

    async def chat_frame(self, event: dict[str, Any]) -> None:
        """Forward a frame broadcast to the chat, trimming deltas this socket already has."""
        frame = event["frame"]
        kind = frame.get("type")
        if kind == p.ASSISTANT_DELTA:
            frame = await self._dedupe(frame)
            if frame is None:
                return
        elif kind == p.MESSAGE_CREATED and frame["message"].get("role") == "assistant":
            self._delivered.setdefault(frame["message"]["id"], 0)
        elif kind == p.ASSISTANT_DONE:
            await self._complete_missing(frame)
        await self.send_frame(frame)

    async def _dedupe(self, frame: dict[str, Any]) -> dict[str, Any] | None:
        message_id, offset, text = frame["message_id"], frame["offset"], frame["text"]
        have = self._delivered.get(message_id, 0)
        if offset > have:
            # Frames were lost (a slow socket, or a generation owned by another process): ask its owner.
            if (message_id, have) not in self._sync_requested:
                self._sync_requested.add((message_id, have))
                await control_send(
                    self.chat_id,
                    {
                        "type": GENERATION_SYNC,
                        "message_id": message_id,
                        "offset": have,
                        "reply_channel": self.channel_name,
                    },
                )
            return None
        end = offset + len(text)
        if end <= have:
            return None
        self._delivered[message_id] = end
        if offset < have:
            return p.assistant_delta(message_id, have, text[have - offset :])
        return frame

    async def _complete_missing(self, done: dict[str, Any]) -> None:
        """Before a message's done frame, send any of its text this socket never received."""
        message_id = done["message_id"]
        have = self._delivered.get(message_id, 0)
        if have >= done.get("length", 0):
            return
        chat = await db_urgent(Chat.objects.only("messages").get)(pk=self.chat_id)
        stored = s.find_message(chat.messages, message_id) or {}
        missing = (stored.get("content") or "")[have:]
        if missing:
            self._delivered[message_id] = have + len(missing)
            await self.send_frame(p.assistant_delta(message_id, have, missing))
