"""The hand-built iCalendar file: escaping, folding, UTC times and the event's properties."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from interview.hiring.ics import CalendarEvent, escape_text, event_calendar, fold_line, format_utc

START = datetime(2030, 3, 15, 14, 0, tzinfo=UTC)


def event(**kwargs) -> CalendarEvent:
    fields = {
        "uid": "invitation-1@active-interview",
        "dtstamp": START - timedelta(days=1),
        "start": START,
        "end": START + timedelta(minutes=90),
        "summary": "Interview with Ada",
    }
    return CalendarEvent(**(fields | kwargs))


def unfolded(text: str) -> list[str]:
    return text.replace("\r\n ", "").split("\r\n")


def test_escape_text_escapes_specials():
    assert escape_text("a;b,c\\d\ne") == "a\\;b\\,c\\\\d\\ne"


def test_escape_text_turns_crlf_into_one_newline():
    assert escape_text("a\r\nb") == "a\\nb"


def test_format_utc_converts_other_zones():
    assert format_utc(datetime(2030, 3, 15, 16, 0, tzinfo=timezone(timedelta(hours=2)))) == "20300315T140000Z"


def test_format_utc_refuses_naive_times():
    with pytest.raises(ValueError):
        format_utc(datetime(2030, 3, 15, 14, 0))


def test_fold_line_keeps_short_lines():
    assert fold_line("SUMMARY:short") == "SUMMARY:short"


def test_fold_line_limits_every_line_to_75_octets():
    folded = fold_line("DESCRIPTION:" + "x" * 300)
    assert max(len(line.encode()) for line in folded.split("\r\n")) == 75


def test_fold_line_never_splits_a_utf8_character():
    folded = fold_line("SUMMARY:" + "é" * 100)
    assert all(line.encode().decode("utf-8") for line in folded.split("\r\n"))


def test_fold_line_round_trips():
    line = "SUMMARY:" + "日本語のテキスト" * 20
    assert fold_line(line).replace("\r\n ", "") == line


def test_event_calendar_uses_crlf_line_endings():
    text = event_calendar(event())
    assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", "")


def test_event_calendar_wraps_one_event():
    lines = unfolded(event_calendar(event()))
    assert (lines[0], lines[-2], lines.count("BEGIN:VEVENT")) == ("BEGIN:VCALENDAR", "END:VCALENDAR", 1)


def test_event_calendar_has_required_properties():
    lines = unfolded(event_calendar(event()))
    assert {"VERSION:2.0", "UID:invitation-1@active-interview", "DTSTAMP:20300314T140000Z"} <= set(lines)


def test_event_calendar_times_are_utc():
    lines = unfolded(event_calendar(event()))
    assert {"DTSTART:20300315T140000Z", "DTEND:20300315T153000Z"} <= set(lines)


def test_event_calendar_escapes_the_summary():
    assert "SUMMARY:Interview\\, round 2\\; final" in unfolded(
        event_calendar(event(summary="Interview, round 2; final"))
    )


def test_event_calendar_keeps_the_url_unescaped():
    url = "https://example.com/invite/abc,def/"
    assert f"URL:{url}" in unfolded(event_calendar(event(url=url)))


def test_event_calendar_refuses_an_end_before_the_start():
    with pytest.raises(ValueError):
        event_calendar(event(end=START))
