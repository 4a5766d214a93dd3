"""The benchmark's capacity search (bench/capacity.py): the ladder up, the bisection, and why it stops."""

from bench.capacity import CapacitySearch


def _step(sessions, sustained=True, saturated=False):
    return {"sessions": sessions, "sustained": sustained, "generator_saturated": saturated,
            "tokens_per_second": sessions * 70.0, "added_p99_ms": 50.0 if sustained else 150.0}  # fmt: skip


def _run(search, limit):
    """Drive the search against a server that sustains every S up to `limit`; return the S asked for."""
    asked = []
    while (sessions := search.next_sessions()) is not None:
        asked.append(sessions)
        search.record(_step(sessions, sustained=sessions <= limit))
    return asked


def test_bench_capacity_climbs_then_bisects_twice():
    search = CapacitySearch(_step(50))

    asked = _run(search, limit=100)

    assert asked == [75, 113, 94, 103]
    assert search.result() | {"ladder": None} == {
        "sessions": 94, "bound": "latency", "first_failing": 103, "tokens_per_second": 94 * 70.0,
        "added_p99_ms": 50.0, "ladder": None,
    }  # fmt: skip


def test_bench_capacity_halves_when_the_first_step_fails():
    search = CapacitySearch(_step(50, sustained=False))

    asked = _run(search, limit=30)

    assert asked == [25, 37, 31]
    assert (search.result()["sessions"], search.result()["first_failing"]) == (25, 31)


def test_bench_capacity_stops_at_the_ladder_top():
    search = CapacitySearch(_step(50), top=80)

    assert _run(search, limit=1000) == [75, 80]
    assert search.result()["sessions"] == 80 and search.result()["bound"] == "ladder top"


def test_bench_capacity_stops_when_the_generator_saturates():
    search = CapacitySearch(_step(50))
    search.record(_step(search.next_sessions(), saturated=True))

    assert search.next_sessions() is None
    assert search.result()["bound"] == "generator" and search.result()["sessions"] == 50


def test_bench_capacity_first_step_saturated_measures_nothing():
    search = CapacitySearch(_step(50, saturated=True))

    assert search.next_sessions() is None and search.result()["sessions"] is None


def test_bench_capacity_stopped_for_time_says_so():
    search = CapacitySearch(_step(50))
    search.stop("time")

    assert search.next_sessions() is None and search.result()["bound"] == "time"
