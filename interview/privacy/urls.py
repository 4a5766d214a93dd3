"""The personal data pages."""

from django.urls import path

from interview.privacy import views

urlpatterns = [
    path("account/data/", views.account_data, name="privacy_account_data"),
    path("account/data/download/<str:token>/", views.export_file, name="privacy_export_download"),
    path("account/delete/", views.account_delete, name="privacy_account_delete"),
]
