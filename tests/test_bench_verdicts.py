"""The benchmark's validity rules and its verdicts against issue 23's targets (pure functions of a results dict)."""

import copy

import pytest

from bench.verdicts import invalid_reasons, verdict_lines, verdicts


def _step(sessions=50, *, p99=20.0, ttft99=40.0, other=0.01, saturated=False, writes=4.0, budget=5.0):
    return {
        "sessions": sessions,
        "latency": {"candidate": {"added_p99_ms": p99}, "observer": {"added_p99_ms": p99}},
        "ttft_overhead_ms": {"p50": 10.0, "p99": ttft99},
        "server_core_other_fraction": other,
        "other_cpu_fraction": 0.5,
        "generator_saturated": saturated,
        "db_writes_per_turn": writes,
        "db_writes_budget_per_turn": budget,
        "invalid_count": 0,
    }


def _server(capacity=90, *, bound="latency", **step):
    fixed = _step(**step)
    return {"fixed": fixed, "capacity": {"sessions": capacity, "bound": bound, "ladder": [fixed]}, "valid": True}


def _results(**daphne):
    results = {"servers": {"relay": _server(100), "daphne": _server(**daphne)}, "truncated": False}
    results["valid"] = not invalid_reasons(results)
    return results


def test_bench_run_with_a_quiet_core_is_valid():
    assert invalid_reasons(_results()) == []


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (lambda r: r.update(truncated=True), "the run stopped at its time limit"),
        (lambda r: r["servers"]["daphne"].update(valid=False), "daphne: a transcript does not match"),
        (lambda r: r["servers"]["daphne"]["fixed"].update(generator_saturated=True), "daphne S=50: the load generator"),
        (lambda r: r["servers"]["relay"]["fixed"].update(server_core_other_fraction=0.05), "relay S=50: other CPU"),
        (lambda r: r["servers"]["daphne"]["capacity"]["ladder"].append(_step(75, other=0.2)), "daphne S=75: other CPU"),
        (lambda r: r["servers"]["daphne"].update(error="RuntimeError: boom"), "daphne: RuntimeError: boom"),
        (
            lambda r: r["servers"]["daphne"]["fixed"].update(generator_gc={"pause_ms": 130.0, "longest_ms": 120.0}),
            "daphne S=50: the load generator paused 120 ms",
        ),
        (lambda r: r.update(scaling={"processes_2": {"ladder": [_step(40) | {"invalid_count": 1}]}}), "scaling"),
    ],
)
def test_bench_run_not_valid_says_why(change, reason):
    results = _results()
    change(results)

    reasons = invalid_reasons(results)

    assert any(r.startswith(reason) for r in reasons), reasons


def test_bench_run_whose_machine_changed_speed_is_not_valid():
    results = _results()
    results["servers"]["relay"]["calibration"] = {"cpu_seconds": 0.200}
    results["servers"]["daphne"]["calibration"] = {"cpu_seconds": 0.250}

    reasons = invalid_reasons(results)

    assert reasons == [
        "the machine's speed changed during the run: the calibration loop took relay 0.200 s, daphne 0.250 s before each server"
    ]


def test_bench_run_whose_machine_kept_its_speed_is_valid():
    results = _results()
    results["servers"]["relay"]["calibration"] = {"cpu_seconds": 0.200}
    results["servers"]["daphne"]["calibration"] = {"cpu_seconds": 0.235}

    assert invalid_reasons(results) == []


def test_bench_unpinned_run_judges_other_cpu_machine_wide():
    results = _results()
    for server in results["servers"].values():
        server["fixed"]["server_core_other_fraction"] = None

    assert any("other CPU on the server's core 0.500" in r for r in invalid_reasons(results))


def test_bench_step_in_the_ladder_and_the_fixed_step_is_said_once():
    results = _results()
    results["servers"]["relay"]["fixed"]["server_core_other_fraction"] = 0.041  # the ladder holds the same step

    assert invalid_reasons(results) == ["relay S=50: other CPU on the server's core 0.041 > 0.04"]


def test_bench_other_cpu_limit_is_an_option():
    results = _results()
    results["servers"]["daphne"]["fixed"]["server_core_other_fraction"] = 0.2

    assert invalid_reasons(results, other_cpu_limit=0.3) == []


def test_bench_invalid_run_gives_no_verdict_and_says_so():
    results = _results()
    results["servers"]["daphne"]["fixed"]["generator_saturated"] = True
    results["valid"] = False
    results["invalid_reasons"] = invalid_reasons(results)

    assert verdicts(results) == {}
    lines = verdict_lines(results)
    assert lines[0] == "NO VERDICT: this run is not valid:"
    assert "saturated" in lines[1]


@pytest.mark.parametrize(
    ("daphne", "target", "met"),
    [
        ({"capacity": 85}, "capacity_vs_relay", True),
        ({"capacity": 84}, "capacity_vs_relay", False),
        ({"capacity": 90, "bound": "generator"}, "capacity_vs_relay", None),
        ({"p99": 24.9}, "p99_added_at_s50", True),
        ({"p99": 25.0}, "p99_added_at_s50", False),
        ({"p99": 10.0, "sessions": 40}, "p99_added_at_s50", None),
        ({"ttft99": 49.0}, "ttft_overhead_p99_at_s50", True),
        ({"ttft99": 50.0}, "ttft_overhead_p99_at_s50", False),
        ({"writes": 5.0, "budget": 5.0}, "db_writes_per_turn", True),
        ({"writes": 5.1, "budget": 5.0}, "db_writes_per_turn", False),
    ],
)
def test_bench_verdict_against_the_target(daphne, target, met):
    assert verdicts(_results(**daphne))["daphne"][target]["met"] is met


def test_bench_capacity_verdict_is_a_same_run_ratio():
    verdict = verdicts(_results(capacity=85))["daphne"]["capacity_vs_relay"]

    assert verdict["value"] == "0.85 (85 / 100)"


@pytest.mark.parametrize(("ratio", "note", "met"), [(1.8, "", True), (1.79, "", False), (2.0, "limited by time", None)])
def test_bench_two_processes_verdict(ratio, note, met):
    results = _results()
    results["scaling"] = {"ratio": ratio, "note": note, "processes_1": {"ladder": []}, "processes_2": {"ladder": []}}

    assert verdicts(results)["daphne"]["two_processes_vs_one"]["met"] is met


def test_bench_each_product_server_gets_its_own_verdicts():
    results = _results()
    results["servers"]["uvicorn"] = copy.deepcopy(_server(70))

    judged = verdicts(results)

    assert judged["daphne"]["capacity_vs_relay"]["met"] is True
    assert judged["uvicorn"]["capacity_vs_relay"]["met"] is False
    assert "relay" not in judged


def test_bench_verdict_lines_name_server_database_and_outcome():
    results = _results(p99=30.0)
    results["meta"] = {"database": "postgresql + redis"}
    results["verdicts"] = verdicts(results)

    lines = verdict_lines(results)

    assert "daphne postgresql + redis p99_added_at_s50: NOT met: 30.0 (target < 25 ms at S=50)" in lines


def test_bench_db_timing_splits_each_call_into_wait_run_and_resume():
    from bench.dbtiming import summarise

    # [called, started, ended, statement seconds, statements, name, depth, resumed, cpu]
    samples = [
        [10.0, 10.010, 10.012, 0.001, 3, "answer_submit", 2, 10.013, 0.0015],
        [10.5, 10.502, 10.503, 0.0005, 1, "generation_save_partial", 0, 10.504, 0.001],
        [30.0, 30.001, 30.002, 0.0, 1, "answer_submit", 0, 30.003, 0.001],  # outside the window
    ]

    summary = summarise(samples, start=9.0, end=11.0)

    assert summary["answer_submit"]["wait_ms"]["p50"] == 10.0
    assert summary["answer_submit"]["run_ms"]["p50"] == 2.0
    assert summary["answer_submit"]["statements_per_call"] == 3
    assert summary["all"]["calls_per_second"] == 1.0
    assert summary["all"]["thread_busy_fraction"] == 0.002
    assert summary["answer_submit"]["cpu_ms"]["p50"] == 1.5
