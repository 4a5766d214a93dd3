"""The streaming benchmark (`make bench`): a smoke run of the real harness, its refusals and its time bound.

The numbers are not checked here (a CI machine is no benchmark machine); what is checked is that
the harness drives real turns through real servers, reports what it should, and that its validity
gate and its limits work.
"""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bench.load import Step, StepConfig
from bench.upstream import Upstream
from tests.fakes.openai_server import free_port

ROOT = Path(__file__).resolve().parents[1]
STEP_KEYS = {
    "sessions", "latency", "added_p99_ms", "coalescing", "ttft_overhead_ms", "tokens_delivered", "tokens_per_second",
    "server_cpu_s_per_1k_tokens", "generator_cpu_fraction", "generator_saturated", "turns", "db_writes_per_turn",
    "db_writes_budget_per_turn", "kb_per_streaming_session", "valid", "invalid_count",
}  # fmt: skip


def _bench(*args: str, tmp_path: Path, timeout: float) -> tuple[subprocess.CompletedProcess[str], dict, float]:
    out = tmp_path / "results.json"
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    started = time.monotonic()
    process = subprocess.run(
        [sys.executable, "-m", "bench", *args, "--out", str(out)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    elapsed = time.monotonic() - started
    results = json.loads(out.read_text()) if out.exists() else {}
    return process, results, elapsed


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.slow
def test_bench_smoke_run_reports_every_measure_and_passes_the_gate(tmp_path):
    process, results, elapsed = _bench("--smoke", tmp_path=tmp_path, timeout=90)

    assert process.returncode == 0, process.stdout + process.stderr[-4000:]
    assert results["valid"] is True and results["truncated"] is False
    assert elapsed < 60
    assert set(results["servers"]) == {"relay", "daphne"}
    for kind, server in results["servers"].items():
        fixed = server["fixed"]
        assert STEP_KEYS <= set(fixed), kind
        assert fixed["valid"] and fixed["invalid_count"] == 0, fixed["invalid_samples"]
        assert fixed["turns"] > 0 and fixed["tokens_delivered"] > 0
        assert fixed["latency"]["candidate"]["tokens"] > 0 and fixed["latency"]["observer"]["tokens"] > 0
        assert server["idle"]["connected"] == server["idle"]["sessions"]
    daphne = results["servers"]["daphne"]["fixed"]
    assert daphne["db_writes"].get("interview_chat", 0) > 0
    assert {"p99_added_at_s50", "db_writes_per_turn", "idle_sessions"} <= set(results["verdicts"]["daphne"])
    assert results["meta"]["calibration"]["cpu_loop"]["cpu_seconds"] > 0
    assert daphne["interview_start_ms"]["samples"] == 3
    assert "relay" in process.stdout and "daphne" in process.stdout


def test_bench_refuses_a_target_other_than_localhost(tmp_path):
    process, results, _ = _bench("--target", "10.1.2.3", tmp_path=tmp_path, timeout=30)

    assert process.returncode == 2
    assert "refusing target '10.1.2.3'" in process.stderr
    assert results == {}


def test_bench_refuses_a_remote_database(tmp_path):
    process, results, _ = _bench("--database-url", "postgres://u@db.example.com/x", tmp_path=tmp_path, timeout=30)

    assert process.returncode == 2
    assert "refusing --database-url host 'db.example.com'" in process.stderr
    assert results == {}


def test_bench_says_when_redis_cannot_be_reached(tmp_path):
    url = f"redis://127.0.0.1:{free_port()}/5"
    process, results, _ = _bench("--servers", "daphne", "--redis-url", url, tmp_path=tmp_path, timeout=30)

    assert process.returncode == 2
    assert f"cannot reach --redis-url {url}" in process.stderr
    assert results == {}


def test_bench_says_when_postgresql_cannot_be_reached(tmp_path):
    url = f"postgres://postgres@127.0.0.1:{free_port()}/bench"
    process, results, _ = _bench("--servers", "daphne", "--database-url", url, tmp_path=tmp_path, timeout=30)

    assert process.returncode == 2
    assert f"cannot connect to --database-url {url}" in process.stderr
    assert "Traceback" not in process.stderr
    assert results == {}


@pytest.mark.slow
def test_bench_stops_itself_at_its_time_limit(tmp_path):
    args = ("--servers", "relay", "--sessions", "2", "--duration", "120", "--no-capacity", "--idle-sessions", "0")
    process, results, elapsed = _bench(*args, "--time-limit", "4", tmp_path=tmp_path, timeout=60)

    assert process.returncode == 1
    assert elapsed < 15
    assert results["truncated"] is True and results["valid"] is False
    assert any("time limit" in problem for problem in results["problems"])
    assert results["meta"]["server_pids"]
    assert not any(_alive(pid) for pid in results["meta"]["server_pids"])


def _step_with_texts(candidate: str, observer: str) -> Step:
    upstream = Upstream(rate=50, tokens=3, first_token_delay=0)
    upstream.open_response().emitted = 3
    stored = {1: [{"id": "m-1", "role": "assistant", "content": "w0 w1 w2 ", "status": "complete"}]}
    step = Step(
        servers=[], upstream=upstream, config=StepConfig(sessions=1, observers=1, duration=0), chat_ids=[1],
        cookies=[""], observer_cookie="", stored=lambda chat_ids: stored,
    )  # fmt: skip
    for conn, text in zip(step.sessions[0].conns, (candidate, observer), strict=True):
        conn.texts["m-1"] = [text]
        conn.done["m-1"] = "complete"
    return step


async def test_bench_validity_gate_passes_exact_texts():
    assert await _step_with_texts("w0 w1 w2 ", "w0 w1 w2 ")._verify() == []


async def test_bench_validity_gate_catches_a_lost_delta():
    problems = await _step_with_texts("w0 w1 w2 ", "w0 w2 ")._verify()

    assert problems == ["s0 observer: m-1 received 6 chars, stored 9"]
