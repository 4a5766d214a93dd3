"""The invitation's pure clock: the start window (before, inside, at the edge, after) and schedule checks."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from interview.hiring import clock

SCHEDULED = datetime(2030, 3, 15, 14, 0, tzinfo=UTC)


def state(now: datetime, duration: int = 60) -> str:
    return clock.start_window_state(now=now, scheduled_time=SCHEDULED, duration_minutes=duration)


def test_window_before_the_scheduled_time_is_early():
    assert state(SCHEDULED - timedelta(seconds=1)) == "early"


def test_window_at_the_scheduled_time_is_open():
    assert state(SCHEDULED) == "open"


def test_window_inside_is_open():
    assert state(SCHEDULED + timedelta(minutes=30)) == "open"


def test_window_just_before_its_end_is_open():
    assert state(SCHEDULED + timedelta(minutes=60) - timedelta(microseconds=1)) == "open"


def test_window_at_its_end_is_closed():
    assert state(SCHEDULED + timedelta(minutes=60)) == "closed"


def test_window_after_its_end_is_closed():
    assert state(SCHEDULED + timedelta(days=1)) == "closed"


def test_window_end_adds_the_duration():
    assert clock.window_end(SCHEDULED, 90) == SCHEDULED + timedelta(minutes=90)


def test_interview_ends_at_is_start_plus_duration():
    started = SCHEDULED + timedelta(minutes=50)
    assert clock.interview_ends_at(started_at=started, duration_minutes=60) == started + timedelta(minutes=60)


@pytest.mark.parametrize("minutes", [15, 60, 240])
def test_duration_error_accepts_the_range(minutes):
    assert clock.duration_error(minutes) is None


@pytest.mark.parametrize("minutes", [5, 14, 241, 500, 0, -30, True, 60.5, "60"])
def test_duration_error_refuses_outside_the_range(minutes):
    assert "15 to 240" in clock.duration_error(minutes)


def test_scheduled_time_error_refuses_the_past():
    assert "past" in clock.scheduled_time_error(SCHEDULED - timedelta(hours=1), now=SCHEDULED)


def test_scheduled_time_error_accepts_the_current_minute():
    assert clock.scheduled_time_error(SCHEDULED, now=SCHEDULED + timedelta(seconds=40)) is None


def test_scheduled_time_error_refuses_naive_times():
    assert "time zone" in clock.scheduled_time_error(datetime(2030, 3, 15, 15, 0), now=SCHEDULED)


def test_scheduled_time_error_refuses_more_than_a_year_ahead():
    assert "ahead" in clock.scheduled_time_error(SCHEDULED + timedelta(days=400), now=SCHEDULED)


def test_schedule_errors_names_every_refused_field():
    errors = clock.schedule_errors(scheduled_time=SCHEDULED - timedelta(days=1), duration_minutes=500, now=SCHEDULED)
    assert set(errors) == {"scheduled_time", "duration_minutes"}
