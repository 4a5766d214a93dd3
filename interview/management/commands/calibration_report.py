"""Print the calibration table of one model: ``manage.py calibration_report --model gpt-4o-mini``.

The same rows as /calibration/ and GET /api/calibration/ (interview/calibration/selectors.py);
``--model offline-rubric`` shows the offline rubric, ``--prompt-version`` narrows to one prompt version.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from interview.calibration import stats
from interview.calibration.selectors import Row, calibration_rows

COLUMNS = ("prompt version", "criterion", "pairs", "raters", "MAE", "bias", "exact", "adjacent", "kappa", "status")


def _number(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def _share(value: float | None) -> str:
    return "—" if value is None else f"{value:.0%}"


def row_cells(row: Row) -> list[str]:
    """One table line as text cells, in COLUMNS order."""
    m = row.metrics
    kappa = "undefined" if m.kappa is None else f"{m.kappa:.2f}"
    return [
        row.prompt_version or "—",
        row.criterion or "(all criteria)",
        str(m.pairs),
        str(m.raters),
        _number(m.mae),
        _number(m.bias),
        _share(m.exact),
        _share(m.adjacent),
        kappa,
        m.status_label,
    ]


class Command(BaseCommand):
    help = "Print how far one model's criterion scores sit from people's (the /calibration/ table)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--model", required=True, help="The model name; offline-rubric for the offline rubric.")
        parser.add_argument("--prompt-version", default=None, help="Only this prompt version.")

    def handle(self, *args: Any, **options: Any) -> None:
        model = options["model"]
        rows = calibration_rows(model=model, prompt_version=options["prompt_version"])
        label = f"{model} (offline rubric, not AI judgement)" if rows and rows[0].offline else model
        self.stdout.write(f"Calibration of {label}")
        self.stdout.write(
            f"Bands: 0-19 → 1, 20-39 → 2, 40-59 → 3, 60-79 → 4, 80-100 → 5; a human band counts as its midpoint "
            f"(10, 30, 50, 70, 90). Calibrated: ≥ {stats.MIN_PAIRS} pairs from ≥ {stats.MIN_RATERS} raters, "
            f"kappa ≥ {stats.KAPPA_MIN}, MAE ≤ {stats.MAE_MAX:g} points."
        )
        if not rows:
            self.stdout.write("No AI–human pairs for this model yet.")
            return
        table = [list(COLUMNS)] + [row_cells(row) for row in rows]
        widths = [max(len(line[i]) for line in table) for i in range(len(COLUMNS))]
        for line in table:
            self.stdout.write("  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip())
