"""REST API routes under /api/."""

from django.urls import include, path

from interview.accounts import api as views

urlpatterns = [
    path("auth/token/", views.ObtainTokenView.as_view(), name="api-token"),
    path("auth/token/revoke/", views.RevokeTokenView.as_view(), name="api-token-revoke"),
    path("me/", views.MeView.as_view(), name="api-me"),
    path("", include("interview.documents.api_urls")),
    path("", include("interview.reports.api_urls")),
    path("", include("interview.interviews.api_urls")),
    path("", include("interview.setup.api_urls")),
    path("", include("interview.hiring.api_urls")),
]
