"""API routes of the fairness check, under /api/fairness/."""

from django.urls import path

from interview.fairness import api as v

urlpatterns = [
    path("fairness/check/", v.FairnessCheckView.as_view(), name="api-fairness-check"),
]
