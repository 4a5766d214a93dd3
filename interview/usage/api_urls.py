"""Usage API routes."""

from django.urls import path

from interview.usage import api

urlpatterns = [
    path("me/quota/", api.QuotaAPIView.as_view(), name="api_me_quota"),
]
