"""axe-core in the journeys: every checked page, light and dark, has no serious or critical violation.

axe (tests/e2e/vendor/axe-core, vendored from the npm registry) is evaluated in the page through the
DevTools protocol, so the page's Content-Security-Policy stays as deployed; it is never served to users.
Each check adds a row to a per-run summary (page × theme: violations by impact), written to
artifacts/e2e/axe-summary.json and .md after every check, so a partial run leaves a true summary too.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from tests.live.server import ROOT

VENDOR = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
SUMMARY_DIR = ROOT / "artifacts" / "e2e"
FAILING = ("critical", "serious")
IMPACTS = ("critical", "serious", "moderate", "minor")
THEMES = ("light", "dark")
_RUN = """() => axe.run(document, {resultTypes: ["violations"]}).then(result => result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
    nodes: v.nodes.map(n => ({target: n.target.join(" "), summary: n.failureSummary}))
})))"""
_summary: dict[str, dict[str, dict[str, int]]] = {}


@cache
def axe_source() -> str:
    return VENDOR.read_text()


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """axe's violations on the page as it is now (all impacts)."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(axe_source())  # a script, not a function: runs in the page's global scope
    return list(page.evaluate(_RUN))


def describe(violations: list[dict[str, Any]]) -> str:
    """One block per rule: its id, impact, help text and the nodes that fail it."""
    lines = []
    for v in violations:
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']} <{v['helpUrl']}>")
        lines.extend(f"    {n['target']}: {' '.join(n['summary'].split())}" for n in v["nodes"][:8])
    return "\n".join(lines)


def record(label: str, theme: str, violations: list[dict[str, Any]]) -> None:
    """Add the page's counts by impact to this run's summary and rewrite the summary files."""
    counts = {impact: sum(1 for v in violations if v["impact"] == impact) for impact in IMPACTS}
    _summary.setdefault(label, {})[theme] = counts
    SUMMARY_DIR.mkdir(parents=True, exist_ok=True)
    (SUMMARY_DIR / "axe-summary.json").write_text(json.dumps(_summary, indent=2) + "\n")
    (SUMMARY_DIR / "axe-summary.md").write_text(summary_markdown())


def summary_markdown() -> str:
    """The summary as a markdown table: one row per page and theme, violations counted by impact."""
    rows = ["| page | theme | " + " | ".join(IMPACTS) + " |", "|---|---|" + "---|" * len(IMPACTS)]
    for label, themes in _summary.items():
        for theme, counts in themes.items():
            rows.append(f"| {label} | {theme} | " + " | ".join(str(counts[i]) for i in IMPACTS) + " |")
    return "\n".join(rows) + "\n"


def assert_no_serious_axe_violations(page: Any, label: str) -> None:
    """Run axe on the page in light and dark; fail listing every serious or critical violation by rule."""
    was_dark = page.evaluate("() => matchMedia('(prefers-color-scheme: dark)').matches")
    failures = []
    try:
        for theme in THEMES:
            page.emulate_media(color_scheme=theme)
            violations = axe_violations(page)
            record(label, theme, violations)
            counts = ", ".join(f"{sum(v['impact'] == i for v in violations)} {i}" for i in IMPACTS)
            print(f"axe {label} [{theme}]: {counts}")
            serious = [v for v in violations if v["impact"] in FAILING]
            if len(serious) < len(violations):  # below the bar, but worth a look
                print(describe([v for v in violations if v not in serious]))
            if serious:
                failures.append(f"{label} [{theme}]:\n{describe(serious)}")
    finally:
        page.emulate_media(color_scheme="dark" if was_dark else "light")
    if failures:
        pytest.fail("axe found serious or critical violations:\n" + "\n".join(failures), pytrace=False)
