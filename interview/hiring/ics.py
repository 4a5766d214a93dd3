"""A one-event iCalendar file (RFC 5545) for an interview invitation, built by hand.

Pure: the event's moments, ids and texts come in as arguments. Lines end in CRLF and are folded at
75 octets without splitting a UTF-8 character; TEXT values are escaped; times are written in UTC.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

PRODID = "-//Active Interview//Invitations//EN"
MAX_LINE_OCTETS = 75
CRLF = "\r\n"


@dataclass(frozen=True)
class CalendarEvent:
    """What the calendar file says about one interview."""

    uid: str
    dtstamp: datetime
    start: datetime
    end: datetime
    summary: str
    description: str = ""
    url: str = ""
    organizer_email: str = ""


def escape_text(value: str) -> str:
    """Escape a TEXT value: backslash, semicolon and comma get a backslash, newlines become \\n."""
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return value.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")


def format_utc(moment: datetime) -> str:
    """Format an aware datetime as a UTC DATE-TIME (e.g. 20260315T140000Z)."""
    if moment.tzinfo is None:
        raise ValueError("Calendar times must be timezone-aware.")
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def fold_line(line: str) -> str:
    """Fold a content line into chunks of at most 75 octets, each continuation starting with a space."""
    chunks: list[str] = []
    current, size, limit = "", 0, MAX_LINE_OCTETS
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            chunks.append(current)
            # The leading space of a continuation line counts towards its 75 octets.
            current, size, limit = "", 0, MAX_LINE_OCTETS - 1
        current += char
        size += width
    chunks.append(current)
    return (CRLF + " ").join(chunks)


def _property(name: str, value: str) -> str:
    return fold_line(f"{name}:{value}")


def event_calendar(event: CalendarEvent) -> str:
    """Return the VCALENDAR text (METHOD:PUBLISH) holding the one event, CRLF line endings included."""
    if event.end <= event.start:
        raise ValueError("An event must end after it starts.")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        _property("PRODID", PRODID),
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        _property("UID", escape_text(event.uid)),
        _property("DTSTAMP", format_utc(event.dtstamp)),
        _property("DTSTART", format_utc(event.start)),
        _property("DTEND", format_utc(event.end)),
        _property("SUMMARY", escape_text(event.summary)),
    ]
    if event.description:
        lines.append(_property("DESCRIPTION", escape_text(event.description)))
    if event.url:
        lines.append(_property("URL", event.url))  # a URI value: not TEXT, so not escaped
    if event.organizer_email:
        lines.append(_property("ORGANIZER", f"mailto:{event.organizer_email}"))
    lines += ["STATUS:CONFIRMED", "TRANSP:OPAQUE", "END:VEVENT", "END:VCALENDAR"]
    return CRLF.join(lines) + CRLF
