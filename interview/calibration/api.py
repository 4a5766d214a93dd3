"""REST API for calibration: GET /api/calibration/ (admins and interviewers)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from interview.accounts.permissions import IsInterviewerOrAdmin
from interview.calibration import selectors as sel
from interview.calibration import stats

DESCRIPTION = f"""How far the AI's criterion scores sit from people's, per (model, prompt version) and criterion.

**Band mapping.** The AI scores a criterion 0-100, people 1-5. An AI score maps to a band: 0-19 → 1,
20-39 → 2, 40-59 → 3, 60-79 → 4, 80-100 → 5. A human band maps to points as its midpoint: 1 → 10,
2 → 30, 3 → 50, 4 → 70, 5 → 90.

**Pairs.** Each criterion's AI score against every submitted scorecard's score of it on the same
interview, plus each override of a criterion in force (the AI's original value against the override's
band). The offline rubric is its own model, `offline-rubric` (`offline: true`).

**Measures.** `mae` mean |AI − human midpoint| in points; `bias` mean (AI − human midpoint), above 0 when
the AI is more generous; `exact_agreement` / `adjacent_agreement` the share of pairs in the same band / at
most one band apart; `kappa` quadratic weighted kappa over the 5 bands (null when undefined: no pairs, or
both raters in one and the same band throughout). `band_grid[human - 1][ai_band - 1]` counts pairs.

**Status.** `not_calibrated` until {stats.MIN_PAIRS} pairs from {stats.MIN_RATERS} distinct people;
`calibrated` when kappa ≥ {stats.KAPPA_MIN} and MAE ≤ {stats.MAE_MAX:g} points; otherwise `needs_review`.
Rows with `criterion: null` cover all of a group's criteria."""


class CalibrationView(APIView):
    """GET the calibration table (optionally ?model=…&prompt_version=…) and the band mapping."""

    permission_classes = [IsInterviewerOrAdmin]

    @extend_schema(
        description=DESCRIPTION,
        parameters=[
            OpenApiParameter("model", str, description="Only this model (`offline-rubric` for the offline rubric)."),
            OpenApiParameter("prompt_version", str, description="Only this prompt version."),
        ],
        responses={
            200: OpenApiResponse(description="`bands` (the mapping), `thresholds` and `rows`"),
            403: OpenApiResponse(description="Candidates"),
        },
        tags=["calibration"],
    )
    def get(self, request: Request) -> Response:
        rows = sel.calibration_rows(
            model=request.query_params.get("model") or None,
            prompt_version=request.query_params.get("prompt_version") or None,
        )
        return Response(
            {
                "bands": sel.band_mapping(),
                "thresholds": {
                    "min_pairs": stats.MIN_PAIRS,
                    "min_raters": stats.MIN_RATERS,
                    "kappa_min": stats.KAPPA_MIN,
                    "mae_max": stats.MAE_MAX,
                },
                "rows": [sel.row_as_dict(row) for row in rows],
            }
        )
