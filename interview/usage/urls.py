"""Pages for token usage and cost."""

from django.urls import path

from interview.usage import views

urlpatterns = [
    path("usage/", views.usage_mine, name="usage_mine"),
    path("usage/all/", views.usage_all, name="usage_all"),
]
