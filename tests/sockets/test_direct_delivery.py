"""ChatSocket.deliver_now: a socket takes a delta in the sender's task only when that keeps frames in order."""

import pytest

from interview.live import protocol as p
from interview.live.candidate import InterviewConsumer
from interview.live.groups import CHAT_FRAME


def socket(have=5):
    consumer = InterviewConsumer()
    consumer.chat_id = 1
    consumer.channel_name = "test.direct"
    consumer.joined = True
    consumer._delivered = {"m1": have}
    consumer._sync_requested = set()
    consumer.sent = []

    async def send_frame(frame):
        consumer.sent.append(frame)

    consumer.send_frame = send_frame
    return consumer


def delta(offset, text="abc", message_id="m1"):
    return {"type": CHAT_FRAME, "frame": p.assistant_delta(message_id, offset, text)}


@pytest.mark.asyncio
async def test_a_delta_that_continues_the_text_is_sent_at_once():
    consumer = socket()
    assert await consumer.deliver_now(delta(5)) is True
    assert [f["text"] for f in consumer.sent] == ["abc"]
    assert consumer._delivered["m1"] == 8
    assert await consumer.deliver_now(delta(6, "bcdef")) is True  # overlapping: only the new part goes out
    assert consumer.sent[-1]["offset"] == 8 and consumer.sent[-1]["text"] == "def"
    assert consumer._busy is False


@pytest.mark.asyncio
@pytest.mark.parametrize(
    "state",
    [
        {"_busy": True},  # a handler runs (a snapshot being built): the delta must come after it
        {"_taken": 1},  # a message was taken from the queue and waits for dispatch
        {"revoked": True},
        {"joined": False},
    ],
)
async def test_a_socket_that_is_not_idle_has_the_delta_queued(state):
    consumer = socket()
    for name, value in state.items():
        setattr(consumer, name, value)
    assert await consumer.deliver_now(delta(5)) is False
    assert consumer.sent == []


@pytest.mark.asyncio
async def test_a_gap_or_another_frame_is_queued():
    consumer = socket()
    assert await consumer.deliver_now(delta(9)) is False  # a gap: the queued path asks the owner for the rest
    done = {"type": CHAT_FRAME, "frame": p.assistant_done("m1", "complete", None, content_length=5)}
    assert await consumer.deliver_now(done) is False
    assert await consumer.deliver_now({"type": "presence.join", "channel": "c", "name": "n"}) is False
    assert consumer.sent == []


@pytest.mark.asyncio
async def test_a_failed_send_is_logged_and_does_not_reach_the_sender(caplog):
    consumer = socket()

    async def broken(frame):
        raise ConnectionError("gone")

    consumer.send_frame = broken
    assert await consumer.deliver_now(delta(5)) is True
    assert "Direct delivery" in caplog.text
    assert consumer._busy is False
