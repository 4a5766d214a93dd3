"""Turning raw step measurements into the reported numbers, the target verdicts and the short table."""

from __future__ import annotations

from typing import Any

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


def targets(results: dict[str, Any]) -> dict[str, Any]:
    """The issue's targets, each with the measured value and a verdict (None when not measured)."""
    servers = results["servers"]
    relay, daphne = servers.get("relay", {}), servers.get("daphne", {})
    verdicts: dict[str, Any] = {}
    if relay.get("capacity") and daphne.get("capacity"):
        ratio = daphne["capacity"]["sessions"] / relay["capacity"]["sessions"]
        verdicts["capacity_vs_relay"] = {"target": ">= 0.60", "value": round(ratio, 2), "met": ratio >= 0.6,
                                         "note": _bound_note(relay, daphne)}  # fmt: skip
    fixed = daphne.get("fixed")
    if fixed:
        cand, obs = fixed["latency"]["candidate"]["added_p99_ms"], fixed["latency"]["observer"]["added_p99_ms"]
        worst = max(v for v in (cand, obs) if v is not None) if (cand or obs) else None
        verdicts["p99_at_fixed_sessions"] = {"target": f"< 50 ms at S={fixed['sessions']}", "candidate": cand,
                                             "observer": obs, "met": worst is not None and worst < 50}  # fmt: skip
        if fixed.get("db_writes_per_turn") is not None and fixed.get("db_writes_budget_per_turn") is not None:
            verdicts["db_writes_per_turn"] = {
                "target": "<= 3 + streaming seconds",
                "value": fixed["db_writes_per_turn"],
                "budget": fixed["db_writes_budget_per_turn"],
                "met": fixed["db_writes_per_turn"] <= fixed["db_writes_budget_per_turn"],
            }
    idle = daphne.get("idle")
    if idle and idle.get("kb_per_session") is not None:
        verdicts["idle_sessions"] = {"target": "2000 sessions < 150 KB each", "sessions": idle["connected"],
                                     "kb_per_session": idle["kb_per_session"],
                                     "met": idle["connected"] >= 2000 and idle["kb_per_session"] < 150}  # fmt: skip
    scaling = results.get("scaling")
    if scaling and scaling.get("ratio") is not None:
        verdicts["two_process_scaling"] = {
            "target": ">= 1.7",
            "value": scaling["ratio"],
            "met": scaling["ratio"] >= 1.7,
        }
    return verdicts


def _bound_note(relay: dict[str, Any], daphne: dict[str, Any]) -> str:
    notes = []
    for name, server in (("relay", relay), ("daphne", daphne)):
        bound = server["capacity"].get("bound")
        if bound != "latency":
            notes.append(f"{name} capacity limited by {bound} (a lower bound)")
    return "; ".join(notes)


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
    for name, verdict in results.get("targets", {}).items():
        lines.append(f"target {name}: {'met' if verdict.get('met') else 'NOT met'} {_short(verdict)}")
    for problem in results.get("problems", []):
        lines.append(f"problem: {problem}")
    return "\n".join(lines)


def _f(value: Any, digits: int = 1) -> str:
    if value is None:
        return "-"
    return f"{value:.{digits}f}" if isinstance(value, float) else str(value)


def _short(verdict: dict[str, Any]) -> str:
    return ", ".join(f"{k}={v}" for k, v in verdict.items() if k != "met" and v not in (None, ""))
