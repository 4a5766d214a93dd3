"""The invitation's clock: when a candidate may start, when an interview must end, what may be scheduled.

Pure rules: every moment comes in as an argument. The start window is half-open,
``[scheduled_time, scheduled_time + duration)``: starting at the scheduled minute is allowed, starting
at the very moment the window ends is not (the interview would have no time left).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Literal

MIN_DURATION_MINUTES = 15
MAX_DURATION_MINUTES = 240
# How far ahead an interview may be scheduled (a typo in the year should not pass silently).
MAX_DAYS_AHEAD = 366

WindowState = Literal["early", "open", "closed"]
EARLY: WindowState = "early"
OPEN: WindowState = "open"
CLOSED: WindowState = "closed"


def window_end(scheduled_time: datetime, duration_minutes: int) -> datetime:
    """Return the moment the start window closes: the scheduled time plus the duration."""
    return scheduled_time + timedelta(minutes=duration_minutes)


def start_window_state(*, now: datetime, scheduled_time: datetime, duration_minutes: int) -> WindowState:
    """Return whether `now` is before, inside or after the window in which the candidate may start."""
    if now < scheduled_time:
        return EARLY
    if now < window_end(scheduled_time, duration_minutes):
        return OPEN
    return CLOSED


def interview_ends_at(*, started_at: datetime, duration_minutes: int, extra_seconds: int = 0) -> datetime:
    """Return when a started interview closes at the latest: its start plus the invitation's duration, plus the
    extra time an accommodation adds (`extra_seconds`)."""
    return started_at + timedelta(minutes=duration_minutes, seconds=extra_seconds)


def duration_error(duration_minutes: object) -> str | None:
    """Return why a duration is refused, or None when it is a whole number of minutes from 15 to 240."""
    valid = isinstance(duration_minutes, int) and not isinstance(duration_minutes, bool)
    if not valid or not MIN_DURATION_MINUTES <= duration_minutes <= MAX_DURATION_MINUTES:  # type: ignore[operator]
        return f"The duration is a whole number of minutes from {MIN_DURATION_MINUTES} to {MAX_DURATION_MINUTES}."
    return None


def scheduled_time_error(scheduled_time: datetime, *, now: datetime) -> str | None:
    """Return why a scheduled time is refused (in the past, naive, or too far ahead), or None."""
    if scheduled_time.tzinfo is None:
        return "The scheduled time needs a time zone."
    # Forms pick whole minutes: the current minute still counts as "now", not the past.
    if scheduled_time < now.replace(second=0, microsecond=0):
        return "The scheduled time is in the past; choose a time from now on."
    if scheduled_time > now + timedelta(days=MAX_DAYS_AHEAD):
        return f"The scheduled time is more than {MAX_DAYS_AHEAD} days ahead."
    return None


def schedule_errors(*, scheduled_time: datetime, duration_minutes: object, now: datetime) -> dict[str, str]:
    """Return every refused scheduling field with its message (empty when the schedule is valid)."""
    errors: dict[str, str] = {}
    if message := scheduled_time_error(scheduled_time, now=now):
        errors["scheduled_time"] = message
    if message := duration_error(duration_minutes):
        errors["duration_minutes"] = message
    return errors
