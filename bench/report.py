"""Turning raw step measurements into the reported numbers, the target verdicts and the short table."""

from __future__ import annotations

from typing import Any

from bench.verdicts import verdict_lines

GENERATOR_SATURATED = 0.90
# The generator's core as a whole (generator plus the pinned PostgreSQL and Redis).
CORE_SATURATED = 0.95


def percentile(values: Any, q: float) -> float | None:
    """The q-th percentile (nearest rank) of values, in the values' unit; None when empty."""
    if not len(values):
        return None
    ordered = sorted(values)
    rank = min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank]


def _ms(value: float | None) -> float | None:
    return None if value is None else round(value * 1000, 1)


def step_summary(
    *, sessions: int, observers: int, result: dict[str, Any], window_ms: float, bound_ms: float
) -> dict[str, Any]:
    """The published numbers of one step, and whether it sustained the load."""
    rec = result["rec"]
    latency = {}
    for role in ("candidate", "observer"):
        added, raw = rec.added[role], rec.raw[role]
        latency[role] = {
            "tokens": len(added),
            "added_p50_ms": _ms(percentile(added, 50)),
            "added_p99_ms": _ms(percentile(added, 99)),
            "added_max_ms": _ms(max(added) if len(added) else None),
            "raw_p50_ms": _ms(percentile(raw, 50)),
            "raw_p99_ms": _ms(percentile(raw, 99)),
        }
    everyone = [*rec.added["candidate"], *rec.added["observer"]]
    p99 = _ms(percentile(everyone, 99))
    seconds = result["window_seconds"]
    turns = rec.turns
    stream_seconds = sum(rec.stream_seconds) / len(rec.stream_seconds) if len(rec.stream_seconds) else None
    writes_per_turn = result["total_writes"] / turns if turns else None
    core_busy = result.get("generator_core_busy_fraction")
    saturated = result["generator_cpu_fraction"] > GENERATOR_SATURATED or (core_busy or 0.0) > CORE_SATURATED
    valid = not result["invalid"] and not rec.errors and result["drained"]
    summary = {
        "sessions": sessions,
        "observers_per_session": observers,
        "streaming_sessions_mean": round(result["streaming_sessions_mean"], 1),
        "latency": latency,
        "added_p99_ms": p99,
        "coalescing": {
            "window_ms": window_ms,
            "mean_wait_ms": _ms(sum(rec.wait) / len(rec.wait) if len(rec.wait) else None),
        },
        "ttft_overhead_ms": {
            "p50": _ms(percentile(rec.ttft_overhead, 50)),
            "p99": _ms(percentile(rec.ttft_overhead, 99)),
            "samples": len(rec.ttft_overhead),
        },
        "before_upstream_ms": {
            "p50": _ms(percentile(rec.pre_upstream, 50)),
            "p99": _ms(percentile(rec.pre_upstream, 99)),
        },
        # interview.start -> the first turn's request at the upstream (every session; the start's own work).
        "interview_start_ms": {
            "p50": _ms(percentile(rec.start_to_upstream, 50)),
            "p99": _ms(percentile(rec.start_to_upstream, 99)),
            "samples": len(rec.start_to_upstream),
        },
        "follow_up_decision": _decision_summary(rec, result.get("decisions", 0), turns),
        "server_threads_cpu_fraction": result.get("threads_cpu_fraction", {}),
        "db_calls": result.get("db_calls"),
        "tokens_delivered": rec.tokens,
        "frames_delivered": rec.frames,
        "tokens_per_second": round(rec.tokens / seconds, 1) if seconds else None,
        "server_cpu_fraction": round(result["server_cpu_seconds"] / seconds, 3) if seconds else None,
        "server_loop_cpu_fraction": round(result["server_loop_cpu_seconds"] / seconds, 3) if seconds else None,
        "server_cpu_s_per_1k_tokens": round(result["server_cpu_seconds"] / (rec.tokens / 1000), 4)
        if rec.tokens
        else None,
        "generator_cpu_fraction": round(result["generator_cpu_fraction"], 3),
        "generator_saturated": saturated,
        "other_cpu_fraction": round(result.get("other_cpu_fraction", 0.0), 3),
        "generator_core_busy_fraction": round(core_busy, 3) if core_busy is not None else None,
        "server_core_other_fraction": (
            round(result["server_core_other_fraction"], 3)
            if result.get("server_core_other_fraction") is not None
            else None
        ),
        "generator_gc": result.get("generator_gc", {}),
        "turns": turns,
        "stream_seconds_mean": round(stream_seconds, 2) if stream_seconds else None,
        "worst_added_ms_per_half_second": [
            _ms(rec.timeline.get(i, 0.0)) for i in range(max(rec.timeline, default=-1) + 1)
        ],
        "db_writes": result["writes"],
        "server_gc": result.get("gc", {}),
        "db_writes_per_turn": round(writes_per_turn, 2) if writes_per_turn is not None else None,
        "db_statements_per_turn": round(result.get("statements", 0) / turns, 2) if turns else None,
        "db_writes_budget_per_turn": round(3 + stream_seconds, 2) if stream_seconds else None,
        "rss_mb": {"before": round(result["rss_before"] / 2**20, 1), "peak": round(result["rss_peak"] / 2**20, 1)},
        "kb_per_streaming_session": round((result["rss_peak"] - result["rss_before"]) / sessions / 1024, 1),
        "connect_seconds": round(result["connect_seconds"], 2),
        "errors": len(rec.errors),
        "error_samples": rec.errors[:5],
        "valid": valid,
        "drained": result["drained"],
        "invalid_samples": result["invalid"][:5],
        "invalid_count": len(result["invalid"]),
    }
    summary["sustained"] = valid and not saturated and p99 is not None and p99 <= bound_ms
    return summary


def _decision_summary(rec: Any, decisions: int, turns: int) -> dict[str, Any] | None:
    """Follow-up decision calls in the window: per turn, and where the time before the stream request went."""
    if not decisions and not len(rec.before_decision):
        return None
    pre = rec.pre_upstream
    return {
        "calls": decisions,
        "calls_per_turn": round(decisions / turns, 2) if turns else None,
        "answer_to_decision_ms": {
            "p50": _ms(percentile(rec.before_decision, 50)),
            "p99": _ms(percentile(rec.before_decision, 99)),
        },
        "decision_to_stream_request_ms": {
            "p50": _ms(percentile(rec.decision_to_stream, 50)),
            "p99": _ms(percentile(rec.decision_to_stream, 99)),
        },
        "share_of_before_upstream": round(sum(rec.decision_to_stream) / sum(pre), 3) if len(pre) and sum(pre) else None,
    }


def table(results: dict[str, Any]) -> str:
    """A short plain-text table of the headline numbers."""
    rows = [("server", "capacity S", "p99 cand/obs ms", "p50 ms", "TTFT+ p50/p99", "CPU s/1k tok", "KB idle",
             "KB stream", "writes/turn", "valid")]  # fmt: skip
    for kind, server in results["servers"].items():
        fixed = server.get("fixed") or {}
        lat = fixed.get("latency", {})
        capacity = server.get("capacity") or {}
        cap = f"{capacity.get('sessions', '-')}{'' if capacity.get('bound') in (None, 'latency') else '+'}"
        idle = server.get("idle") or {}
        ttft = fixed.get("ttft_overhead_ms", {})
        rows.append((
            kind,
            cap,
            f"{_f(lat.get('candidate', {}).get('added_p99_ms'))}/{_f(lat.get('observer', {}).get('added_p99_ms'))}",
            _f(lat.get("candidate", {}).get("added_p50_ms")),
            f"{_f(ttft.get('p50'))}/{_f(ttft.get('p99'))}",
            _f(fixed.get("server_cpu_s_per_1k_tokens"), 3),
            _f(idle.get("kb_per_session")),
            _f(fixed.get("kb_per_streaming_session")),
            _f(fixed.get("db_writes_per_turn")),
            "yes" if server.get("valid") else "NO",
        ))  # fmt: skip
    widths = [max(len(str(row[i])) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)) for row in rows]
    fixed_s = next((s["fixed"]["sessions"] for s in results["servers"].values() if s.get("fixed")), "-")
    lines.insert(
        1,
        f"(latencies: server-added, at S={fixed_s}; '+' = capacity limited by the load generator or the ladder's top)",
    )
    scaling = results.get("scaling")
    if scaling:
        lines.append(
            f"two processes (Redis) vs one: {scaling.get('ratio')}x tokens/s  {scaling.get('note', '')}".rstrip()
        )
    lines.extend(detail_lines(results))
    lines.extend(calibration_lines(results))
    for problem in results.get("problems", []):
        lines.append(f"problem: {problem}")
    lines.extend(verdict_lines(results))
    return "\n".join(lines)


def detail_lines(results: dict[str, Any]) -> list[str]:
    """Per product server: where the time before the upstream went (start, decisions, the database thread)."""
    lines = []
    for kind, server in results["servers"].items():
        fixed = server.get("fixed") or {}
        if kind == "relay" or not fixed:
            continue
        pre, start = fixed.get("before_upstream_ms", {}), fixed.get("interview_start_ms", {})
        line = (f"{kind}: answer -> upstream request p50/p99 {_f(pre.get('p50'))}/{_f(pre.get('p99'))} ms; "
                f"interview.start -> upstream p50/p99 {_f(start.get('p50'))}/{_f(start.get('p99'))} ms")  # fmt: skip
        decision = fixed.get("follow_up_decision")
        if decision:
            after = decision["decision_to_stream_request_ms"]
            line += (f"; follow-up decisions {decision['calls_per_turn']}/turn, decision -> stream request "
                     f"p50/p99 {_f(after['p50'])}/{_f(after['p99'])} ms")  # fmt: skip
        lines.append(line)
        every = (fixed.get("db_calls") or {}).get("all")
        if every:
            lines.append(
                f"{kind}: database calls {every['calls_per_second']}/s, queue wait p50/p99 {every['wait_ms']['p50']}/"
                f"{every['wait_ms']['p99']} ms, run p50/p99 {every['run_ms']['p50']}/{every['run_ms']['p99']} ms, "
                f"resume p50/p99 {every['resume_ms']['p50']}/{every['resume_ms']['p99']} ms, "
                f"thread busy {every['thread_busy_fraction']}"
            )
    return lines


def calibration_lines(results: dict[str, Any]) -> list[str]:
    """The machine's calibration: compare two results only when these are close."""
    calibration = (results.get("meta") or {}).get("calibration") or {}
    loop = calibration.get("cpu_loop") or {}
    if not loop:
        return []
    relay = calibration.get("relay_capacity")
    before = [
        f"{kind} {server['calibration']['cpu_seconds']}"
        for kind, server in (results.get("servers") or {}).items()
        if (server.get("calibration") or {}).get("cpu_seconds")
    ]
    return [
        f"machine: fixed CPU loop {loop.get('cpu_seconds')} s CPU / {loop.get('wall_seconds')} s wall on core "
        f"{loop.get('core')} (best of {loop.get('runs')}); relay capacity {relay if relay else '-'} sessions"
        + (f"; the loop before each server (s): {', '.join(before)}" if before else "")
    ]


def _f(value: Any, digits: int = 1) -> str:
    if value is None:
        return "-"
    return f"{value:.{digits}f}" if isinstance(value, float) else str(value)
