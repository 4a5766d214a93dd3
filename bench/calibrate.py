"""A short calibration of the machine, recorded with every run so two results can be compared.

A fixed pure-Python loop (the interpreter's speed on the server's core, the kind of work the
server does) timed in a fresh process pinned where the servers run, best of three; the run adds
the relay's capacity of the same run (`relay_capacity`). Results from machines whose loop times
differ by more than ~10 % compare only as ratios to their own relay.
"""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

LOOP_ITERATIONS = 3_000_000
RUNS = 3

_LOOP = f"""
import json, sys, time
RUNS = int(sys.argv[1])
def work(n):
    total, d = 0, {{}}
    for i in range(n):
        total += (i * i) % 7
        if i % 64 == 0:
            d[i & 1023] = str(i)
    return total
best_cpu = best_wall = None
for _ in range(RUNS):
    c, w = time.process_time(), time.perf_counter()
    work({LOOP_ITERATIONS})
    c, w = time.process_time() - c, time.perf_counter() - w
    best_cpu = c if best_cpu is None else min(best_cpu, c)
    best_wall = w if best_wall is None else min(best_wall, w)
print(json.dumps({{"cpu_seconds": round(best_cpu, 4), "wall_seconds": round(best_wall, 4)}}))
"""


def cpu_loop(*, core: int | None, runs: int = RUNS) -> dict[str, Any]:
    """Time the fixed loop (best of `runs`) in a fresh interpreter, on `core` when given."""
    command = [sys.executable, "-c", _LOOP, str(runs)]
    if core is not None:
        command = ["taskset", "-c", str(core), *command]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=True)
        measured = json.loads(done.stdout)
    except (OSError, subprocess.SubprocessError, ValueError) as exc:
        return {"error": f"{type(exc).__name__}: {exc}"}
    return {**measured, "iterations": LOOP_ITERATIONS, "runs": runs, "core": core}
