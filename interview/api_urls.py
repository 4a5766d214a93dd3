"""REST API routes under /api/, one module per area."""

from django.urls import include, path

urlpatterns = [
    path("", include("interview.accounts.api_urls")),
    path("", include("interview.documents.api_urls")),
    path("", include("interview.reports.api_urls")),
    path("", include("interview.interviews.api_urls")),
    path("", include("interview.setup.api_urls")),
    path("", include("interview.hiring.api_urls")),
    path("", include("interview.calibration.api_urls")),
    path("", include("interview.scoring.api_urls")),
    path("", include("interview.privacy.api_urls")),
    path("", include("interview.fairness.api_urls")),
    path("", include("interview.usage.api_urls")),
]
