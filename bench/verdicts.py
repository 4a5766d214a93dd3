"""Whether a run's numbers stand, and the issue-23 targets judged as same-run ratios on each server.

Pure functions of the results dict (no I/O), so the rules are unit-tested on their own
(tests/test_bench_verdicts.py). A run that is not valid gets reasons and no verdict at all.
"""

from __future__ import annotations

from typing import Any

# The targets (issue 23): each judged per product server against the relay of the same run.
CAPACITY_VS_RELAY = 0.85
P99_ADDED_MS = 25.0
TTFT_OVERHEAD_P99_MS = 50.0
TARGET_SESSIONS = 50
TWO_PROCESSES_VS_ONE = 1.8
IDLE_SESSIONS, IDLE_KB = 2000, 150.0
# Busy CPU of anything else on the server's core above which a step's numbers are disturbed.
OTHER_CPU_LIMIT = 0.04
# How much slower the calibration loop may run before one server than before another of the same run:
# beyond it the machine itself changed speed (a shared host), and same-run ratios compare two machines.
CALIBRATION_DRIFT = 0.20
# A garbage-collector pause of the load generator longer than this delays receipts enough to read as latency.
GENERATOR_GC_PAUSE_MS = 25.0


def steps_of(server: dict[str, Any]) -> list[dict[str, Any]]:
    """The fixed step and every capacity step a server was measured in."""
    ladder = (server.get("capacity") or {}).get("ladder", [])
    return [step for step in [server.get("fixed"), *ladder] if step]


def other_cpu(step: dict[str, Any]) -> float:
    """Other CPU on the server's core during a step (machine-wide when the run was not pinned)."""
    value = step.get("server_core_other_fraction")
    return float(step.get("other_cpu_fraction") or 0.0) if value is None else float(value)


def invalid_reasons(
    results: dict[str, Any],
    *,
    other_cpu_limit: float = OTHER_CPU_LIMIT,
    drift_limit: float = CALIBRATION_DRIFT,
    gc_pause_limit_ms: float = GENERATOR_GC_PAUSE_MS,
) -> list[str]:
    """Why the run's numbers do not stand (empty when valid): cut short, a transcript that does not
    match, a saturated or long-paused generator, other work on the server's core above `other_cpu_limit`,
    or the machine's speed changing between servers by more than `drift_limit`."""
    reasons = []
    if results.get("truncated"):
        reasons.append("the run stopped at its time limit")
    servers = results.get("servers") or {}
    for kind, server in servers.items():
        if server.get("skipped"):
            continue
        if server.get("error"):
            reasons.append(f"{kind}: {server['error']}")
        elif not server.get("valid", False):
            reasons.append(f"{kind}: a transcript does not match (or the fixed step did not drain)")
        for step in steps_of(server):
            if step.get("generator_saturated"):
                reasons.append(f"{kind} S={step['sessions']}: the load generator's core was saturated")
            pause = float((step.get("generator_gc") or {}).get("longest_ms") or 0.0)
            if pause > gc_pause_limit_ms:
                reasons.append(
                    f"{kind} S={step['sessions']}: the load generator paused {pause:.0f} ms for its garbage collector"
                )
            if other_cpu(step) > other_cpu_limit:
                reasons.append(
                    f"{kind} S={step['sessions']}: other CPU on the server's core {other_cpu(step):.3f}"
                    f" > {other_cpu_limit}"
                )
    if drift := calibration_drift(servers, limit=drift_limit):
        reasons.append(drift)
    scaling = results.get("scaling") or {}
    for count in ("processes_1", "processes_2"):
        for step in (scaling.get(count) or {}).get("ladder", []):
            if step.get("invalid_count") or step.get("generator_saturated"):
                reasons.append(f"scaling {count} S={step['sessions']}: transcript mismatch or generator saturated")
    if not servers and not scaling:
        reasons.append("nothing was measured")
    return list(dict.fromkeys(reasons))  # a step in both the capacity ladder and the fixed step is said once


def calibration_drift(servers: dict[str, Any], *, limit: float = CALIBRATION_DRIFT) -> str:
    """Why the servers of a run were measured on what was, in effect, different machines ("" if they were not):
    the calibration loop timed before each server differs by more than `limit`."""
    loops = {
        kind: float(server["calibration"]["cpu_seconds"])
        for kind, server in servers.items()
        if (server.get("calibration") or {}).get("cpu_seconds")
    }
    if len(loops) < 2 or max(loops.values()) <= min(loops.values()) * (1 + limit):
        return ""
    times = ", ".join(f"{kind} {seconds:.3f} s" for kind, seconds in loops.items())
    return f"the machine's speed changed during the run: the calibration loop took {times} before each server"


def _verdict(target: str, value: Any, met: bool | None, note: str = "") -> dict[str, Any]:
    return {"target": target, "value": value, "met": met, "note": note}


def capacity_verdict(server: dict[str, Any], relay: dict[str, Any]) -> dict[str, Any]:
    """Capacity >= 0.85 of the same run's relay; no verdict when either is only a lower bound."""
    target = f">= {CAPACITY_VS_RELAY} x relay"
    mine, theirs = server.get("capacity") or {}, relay.get("capacity") or {}
    if not mine.get("sessions") or not theirs.get("sessions"):
        return _verdict(target, None, None, "capacity not measured for this server and the relay")
    ratio = round(mine["sessions"] / theirs["sessions"], 2)
    value = f"{ratio} ({mine['sessions']} / {theirs['sessions']})"
    bounded = [f"{n}: {c['bound']}" for n, c in (("server", mine), ("relay", theirs)) if c.get("bound") != "latency"]
    if bounded:
        return _verdict(target, value, None, "capacity not bounded by latency (" + ", ".join(bounded) + ")")
    return _verdict(target, value, ratio >= CAPACITY_VS_RELAY)


def _at_target_sessions(fixed: dict[str, Any], target: str, value: float | None, limit: float) -> dict[str, Any]:
    if fixed.get("sessions") != TARGET_SESSIONS:
        return _verdict(target, value, None, f"the fixed step ran at S={fixed.get('sessions')}, not {TARGET_SESSIONS}")
    if value is None:
        return _verdict(target, None, None, "not measured")
    return _verdict(target, value, value < limit)


def p99_verdict(fixed: dict[str, Any]) -> dict[str, Any]:
    """p99 server-added latency (candidates and observers, the worse of the two) under 25 ms at S=50."""
    latency = fixed.get("latency") or {}
    values = [latency.get(role, {}).get("added_p99_ms") for role in ("candidate", "observer")]
    worst = max((v for v in values if v is not None), default=None)
    return _at_target_sessions(fixed, f"< {P99_ADDED_MS:g} ms at S={TARGET_SESSIONS}", worst, P99_ADDED_MS)


def ttft_verdict(fixed: dict[str, Any]) -> dict[str, Any]:
    """p99 time-to-first-token overhead under 50 ms at S=50."""
    value = (fixed.get("ttft_overhead_ms") or {}).get("p99")
    return _at_target_sessions(
        fixed, f"< {TTFT_OVERHEAD_P99_MS:g} ms at S={TARGET_SESSIONS}", value, TTFT_OVERHEAD_P99_MS
    )


def writes_verdict(fixed: dict[str, Any]) -> dict[str, Any]:
    """At most 3 writes per turn plus 1 per streaming second."""
    value, budget = fixed.get("db_writes_per_turn"), fixed.get("db_writes_budget_per_turn")
    if value is None or budget is None:
        return _verdict("<= 3 + streaming seconds", value, None, "no turn measured")
    return _verdict(f"<= 3 + streaming seconds = {budget}", value, value <= budget)


def idle_verdict(idle: dict[str, Any]) -> dict[str, Any]:
    target = f"{IDLE_SESSIONS} sessions < {IDLE_KB:g} KB each"
    if idle.get("kb_per_session") is None:
        return _verdict(target, None, None, idle.get("skipped") or idle.get("error") or "not measured")
    met = idle.get("connected", 0) >= IDLE_SESSIONS and idle["kb_per_session"] < IDLE_KB
    return _verdict(target, f"{idle['kb_per_session']} KB x {idle.get('connected')}", met)


def scaling_verdict(scaling: dict[str, Any]) -> dict[str, Any]:
    """Two processes on Redis carry >= 1.8 times the tokens/s of one (same CPU budget each)."""
    target = f">= {TWO_PROCESSES_VS_ONE} x one process"
    if scaling.get("ratio") is None:
        return _verdict(target, None, None, scaling.get("skipped") or "not measured")
    bounded = bool(scaling.get("note"))
    return _verdict(target, scaling["ratio"], None if bounded else scaling["ratio"] >= TWO_PROCESSES_VS_ONE,
                    scaling.get("note", ""))  # fmt: skip


def verdicts(results: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Each product server's verdicts against the targets ({} for a run that is not valid)."""
    if not results.get("valid"):
        return {}
    servers = results.get("servers") or {}
    relay = servers.get("relay") or {}
    out: dict[str, dict[str, Any]] = {}
    for kind, server in servers.items():
        if kind == "relay" or server.get("skipped") or not server.get("fixed"):
            continue
        fixed = server["fixed"]
        out[kind] = {
            "capacity_vs_relay": capacity_verdict(server, relay),
            "p99_added_at_s50": p99_verdict(fixed),
            "ttft_overhead_p99_at_s50": ttft_verdict(fixed),
            "db_writes_per_turn": writes_verdict(fixed),
        }
        if server.get("idle"):
            out[kind]["idle_sessions"] = idle_verdict(server["idle"])
    if results.get("scaling"):
        out.setdefault("daphne", {})["two_processes_vs_one"] = scaling_verdict(results["scaling"])
    return out


def verdict_lines(results: dict[str, Any]) -> list[str]:
    """What `make bench` prints: one line per target and server, or why there is no verdict."""
    if not results.get("valid"):
        reasons = results.get("invalid_reasons") or ["not valid"]
        return ["NO VERDICT: this run is not valid:", *(f"  - {reason}" for reason in reasons)]
    lines = []
    database = (results.get("meta") or {}).get("database", "")
    for kind, judged in (results.get("verdicts") or {}).items():
        for name, v in judged.items():
            word = {True: "met", False: "NOT met", None: "no verdict"}[v["met"]]
            note = f"  ({v['note']})" if v.get("note") else ""
            lines.append(
                f"{kind}{' ' + database if database else ''} {name}: {word}: {v['value']} (target {v['target']}){note}"
            )
    return lines
