"""The audit area's pages."""

from django.urls import path

from interview.audit import views

urlpatterns = [
    path("account/activity/", views.account_activity, name="account_activity"),
]
