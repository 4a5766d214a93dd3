"""The calibration page, GET /api/calibration/ and `manage.py calibration_report`."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import call_command
from django.test import Client
from rest_framework.test import APIClient

from interview.calibration.svg import heat_grid_svg, heat_level
from tests.calibration.helpers import invited_report, scorecard
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def data():
    """Two reports of one model and one offline report, each scored by a person."""
    rater = UserFactory(role="interviewer")
    for scores, band in (({"clarity": 50}, 3), ({"clarity": 85}, 4)):
        scorecard(invited_report(scores=scores, prompt="p1").chat, rater, {"clarity": band})
    scorecard(invited_report(scores={"clarity": 30}, offline=True, prompt="p0").chat, rater, {"clarity": 2})


def page(user):
    client = Client()
    if user:
        client.force_login(user)
    return client.get("/calibration/")


def test_page_shows_table_bands_and_plots(data):
    response = page(UserFactory(role="interviewer"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "gpt-4o-mini" in html and "offline-rubric" in html and "not calibrated" in html
    assert "80–100" in html and "<svg" in html and "AI band" in html
    assert html.count('class="cal-plot"') == 2  # one per (group, criterion)


def test_page_has_no_inline_style(data):
    html = page(UserFactory(role="admin")).content.decode()
    assert not re.search(r"\sstyle=", html) and "<style" not in html


def test_page_refuses_candidates_and_sends_anonymous_to_login():
    assert page(UserFactory(role="candidate")).status_code == 403
    assert page(None).url.startswith("/accounts/login/")


def test_api_returns_rows_and_band_mapping(data):
    api = APIClient()
    api.force_authenticate(UserFactory(role="interviewer"))
    body = api.get("/api/calibration/").json()
    assert body["bands"][0] == {"band": 1, "low": 0, "high": 19, "midpoint": 10}
    assert body["bands"][4]["high"] == 100 and body["thresholds"]["min_pairs"] == 30
    clarity = next(r for r in body["rows"] if r["model"] == "gpt-4o-mini" and r["criterion"] == "clarity")
    assert (clarity["pairs"], clarity["mae"], clarity["bias"], clarity["status"]) == (2, 7.5, 7.5, "not_calibrated")
    assert clarity["exact_agreement"] == 0.5 and clarity["adjacent_agreement"] == 1.0
    assert clarity["band_grid"][2][2] == 1 and clarity["band_grid"][3][4] == 1


def test_api_filters_by_model(data):
    api = APIClient()
    api.force_authenticate(UserFactory(role="admin"))
    rows = api.get("/api/calibration/?model=offline-rubric").json()["rows"]
    assert {r["model"] for r in rows} == {"offline-rubric"} and all(r["offline"] for r in rows)


def test_api_refuses_candidates():
    api = APIClient()
    api.force_authenticate(UserFactory(role="candidate"))
    assert api.get("/api/calibration/").status_code == 403


def test_schema_documents_the_band_mapping():
    api = APIClient()
    api.force_authenticate(UserFactory(role="admin"))
    schema = api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").content.decode()
    assert "/api/calibration/" in schema and "80-100" in schema and "/report/overrides/" in schema


def command(*args):
    out = io.StringIO()
    call_command("calibration_report", *args, stdout=out)
    return out.getvalue()


def test_command_prints_the_table_of_one_model(data):
    text = command("--model", "gpt-4o-mini")
    assert "Calibration of gpt-4o-mini" in text and "(all criteria)" in text and "offline" not in text
    line = next(line for line in text.splitlines() if line.startswith("p1") and "clarity" in line)
    assert line.split() == [
        "p1",
        "clarity",
        "2",
        "1",
        "7.5",
        "7.5",
        "50%",
        "100%",
        "0.67",
        "not",
        "calibrated",
    ]  # kappa 2/3


def test_command_offline_model_and_prompt_filter(data):
    assert "offline rubric, not AI judgement" in command("--model", "offline-rubric")
    assert "No AI–human pairs" in command("--model", "gpt-4o-mini", "--prompt-version", "nope")


def test_heat_levels_and_grid_cells():
    assert [heat_level(c, 8) for c in (0, 1, 2, 3, 8)] == [0, 1, 1, 2, 4]
    grid = [[0] * 5 for _ in range(5)]
    grid[2][2] = 3
    svg = str(heat_grid_svg(grid, title="<x>"))
    assert svg.count("<rect") == 25 and "cal-heat-4 cal-agree" in svg and "&lt;x&gt;" in svg
