"""API routes for calibration, under /api/."""

from django.urls import path

from interview.calibration import api as v

urlpatterns = [path("calibration/", v.CalibrationView.as_view(), name="api-calibration")]
