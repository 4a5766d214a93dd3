"""Pages for calibration."""

from django.urls import path

from interview.calibration import views as v

urlpatterns = [path("calibration/", v.calibration, name="calibration")]
