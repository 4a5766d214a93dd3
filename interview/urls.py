"""Server-rendered pages."""

from django.urls import include, path

from interview.core import health
from interview.core import views as pages

urlpatterns = [
    path("", pages.home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    path("", include("interview.interviews.urls")),
    path("", include("interview.accounts.urls")),
    path("", include("interview.audit.urls")),
    path("", include("interview.documents.urls")),
    path("", include("interview.setup.urls")),
    path("", include("interview.reports.urls")),
    path("", include("interview.usage.urls")),
    path("", include("interview.hiring.urls")),
    path("", include("interview.calibration.urls")),
    path("", include("interview.scoring.urls")),
    path("", include("interview.privacy.urls")),
    path("", include("interview.fairness.urls")),
]
