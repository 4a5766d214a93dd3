"""Personal data API routes."""

from django.urls import path

from interview.privacy import api

urlpatterns = [
    path("me/export/", api.ExportAPIView.as_view(), name="api_me_export"),
    path("me/", api.MeAPIView.as_view(), name="api-me"),
]
