"""The calibration page: how far the AI's criterion scores sit from people's, per model and prompt version."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from interview.accounts.permissions import ADMIN, INTERVIEWER, role_required
from interview.calibration import selectors as sel
from interview.calibration import stats
from interview.calibration.svg import heat_grid_svg


@role_required(INTERVIEWER, ADMIN)
def calibration(request: HttpRequest) -> HttpResponse:
    """The table (per model, prompt version and criterion), the band mapping and a band grid per criterion."""
    rows = sel.calibration_rows()
    plots = [
        (
            row,
            heat_grid_svg(
                row.grid,
                title=f"{row.group_label} · {row.prompt_version or 'no prompt version'} · "
                f"{row.criterion_name}: AI band against human band",
            ),
        )
        for row in rows
        if row.criterion
    ]
    context = {
        "rows": rows,
        "plots": plots,
        "bands": sel.band_mapping(),
        "min_pairs": stats.MIN_PAIRS,
        "min_raters": stats.MIN_RATERS,
        "kappa_min": stats.KAPPA_MIN,
        "mae_max": stats.MAE_MAX,
    }
    return render(request, "calibration/calibration.html", context)
