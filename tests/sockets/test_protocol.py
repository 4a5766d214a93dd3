"""Parsing client frames and building server frames."""

import json
from datetime import UTC, datetime

import pytest

from interview.live import protocol as p

LIMIT = 100


def parse(data, allowed=p.CANDIDATE_TYPES):
    text = data if isinstance(data, str) else json.dumps(data)
    return p.parse_client_frame(text, allowed=allowed, max_content=LIMIT)


def refused(data, allowed=p.CANDIDATE_TYPES):
    with pytest.raises(p.ProtocolError) as info:
        parse(data, allowed)
    return info.value


def test_parse_answer_submit():
    frame = parse({"type": "answer.submit", "id": "c1", "content": "Hello"})
    assert (frame.type, frame.id, frame.content) == ("answer.submit", "c1", "Hello")


@pytest.mark.parametrize("text", ["not json", "[1, 2]", '"string"', "{"])
def test_parse_refuses_non_objects(text):
    assert refused(text).code == "invalid"


def test_parse_refuses_binary():
    with pytest.raises(p.ProtocolError):
        p.parse_client_frame(None, allowed=p.CANDIDATE_TYPES, max_content=LIMIT)


def test_parse_refuses_unknown_type():
    assert "Unknown frame type" in refused({"type": "launch.missiles"}).message


def test_parse_refuses_missing_type():
    assert refused({"content": "x"}).code == "invalid"


def test_parse_refuses_observer_frame_on_candidate_socket():
    assert refused({"type": "question.extend", "seconds": 30}).code == "forbidden"


def test_parse_refuses_candidate_frame_on_observer_socket():
    assert refused({"type": "answer.submit", "id": "x", "content": "y"}, p.OBSERVER_TYPES).code == "forbidden"


@pytest.mark.parametrize(
    "frame",
    [
        {"type": "answer.submit", "content": "no id"},
        {"type": "answer.submit", "id": "", "content": "x"},
        {"type": "answer.submit", "id": "x" * 65, "content": "x"},
        {"type": "answer.submit", "id": "x"},
        {"type": "answer.submit", "id": "x", "content": 42},
        {"type": "answer.submit", "id": "x", "content": "   "},
    ],
)
def test_parse_refuses_bad_answers(frame):
    assert refused(frame).code == "invalid"


def test_parse_refuses_oversized_content_with_limit_in_message():
    error = refused({"type": "answer.submit", "id": "x", "content": "a" * (LIMIT + 1)})
    assert str(LIMIT) in error.message


@pytest.mark.parametrize("seconds", [0, -5, 1801, 10**9, "30", 2.5, True, None])
def test_parse_refuses_bad_extend_seconds(seconds):
    assert refused({"type": "question.extend", "seconds": seconds}, p.OBSERVER_TYPES).code == "invalid"


def test_parse_extend_accepts_whole_seconds():
    assert parse({"type": "question.extend", "seconds": 60}, p.OBSERVER_TYPES).seconds == 60


def test_parse_note_is_stripped_and_bounded():
    assert parse({"type": "observer.note", "content": "  good  "}, p.OBSERVER_TYPES).content == "good"
    assert refused({"type": "observer.note", "content": "x" * 4001}, p.OBSERVER_TYPES).code == "invalid"


def test_iso_uses_z_suffix():
    assert p.iso(datetime(2026, 1, 1, tzinfo=UTC)) == "2026-01-01T00:00:00Z"


def test_public_message_hides_internal_keys():
    public = p.public_message(
        {"id": "m", "role": "assistant", "content": "x", "status": "complete", "turn": {}, "error": "e"}
    )
    assert "turn" not in public and "error" not in public
