"""Pages of the fairness area: the live preview partial."""

from django.urls import path

from interview.fairness import views as v

urlpatterns = [
    path("fairness/check/", v.fairness_check, name="fairness_check"),
]
