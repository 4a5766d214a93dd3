"""The capacity search of one server: a ladder up by a factor from the fixed step, then bisection.

A pure state machine (no I/O), so the runner can drive several servers' searches step by step in
turn — the relay's step, then the product's, then the relay's next — and a machine whose speed
drifts over minutes slows both alike instead of whichever happened to run second.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any


@dataclass
class CapacitySearch:
    """The largest S whose step is `sustained` (p99 within the bound, gate passing, generator unsaturated)."""

    first: dict[str, Any]
    factor: float = 1.5
    top: int = 600
    refine: int = 2
    ladder: list[dict[str, Any]] = field(default_factory=list)
    lo: int | None = None
    hi: int | None = None
    bound: str = "latency"  # why the search ended: the latency bound, "ladder top", "generator" or "time"
    refinements: int = 0
    done: bool = False

    def __post_init__(self) -> None:
        self.ladder.append(self.first)
        start = self.first["sessions"]
        self.lo, self.hi = (start, None) if self.first["sustained"] else (None, start)
        if self.first["generator_saturated"]:
            self.lo, self.hi, self.bound = None, None, "generator"

    def next_sessions(self) -> int | None:
        """The S of the next step, or None when the search is over (`bound` says why)."""
        if self.done or self.bound != "latency":
            return None
        if self.hi is None:
            assert self.lo is not None
            sessions = min(self.top, math.ceil(self.lo * self.factor))
            if sessions <= self.lo:
                self.bound = "ladder top"
                return None
            return sessions
        if self.lo is None:
            sessions = self.hi // 2
        elif self.hi - self.lo <= max(2, self.lo // 10) or self.refinements >= self.refine:
            sessions = 0
        else:
            sessions = (self.lo + self.hi) // 2
        self.done = sessions < 1
        return None if self.done else sessions

    def record(self, summary: dict[str, Any]) -> None:
        """Take the step the search asked for."""
        sessions = summary["sessions"]
        if self.lo is not None and self.hi is not None:
            self.refinements += 1
        self.ladder.append(summary)
        if summary["generator_saturated"]:
            self.bound = "generator"
        elif summary["sustained"]:
            self.lo = sessions
        else:
            self.hi = sessions

    def stop(self, bound: str) -> None:
        """End the search early (out of time)."""
        self.bound = bound

    def result(self) -> dict[str, Any]:
        best = next((s for s in self.ladder if s["sessions"] == self.lo and s["sustained"]), None)
        return {
            "sessions": self.lo,
            "bound": self.bound,
            "first_failing": self.hi,
            "tokens_per_second": best["tokens_per_second"] if best else None,
            "added_p99_ms": best["added_p99_ms"] if best else None,
            "ladder": self.ladder,
        }
