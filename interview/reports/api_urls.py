"""API routes for interview reports, under /api/chats/<id>/."""

from django.urls import path

from interview.reports import api as v

urlpatterns = [
    path("chats/<int:chat_id>/report/", v.ReportDetailView.as_view(), name="api-report"),
    path("chats/<int:chat_id>/report/regenerate/", v.ReportRegenerateView.as_view(), name="api-report-regenerate"),
    path("chats/<int:chat_id>/report/overrides/", v.ReportOverrideView.as_view(), name="api-report-overrides"),
    path("chats/<int:chat_id>/report.pdf", v.ReportPdfView.as_view(), name="api-report-pdf"),
    path("chats/<int:chat_id>/report.csv", v.ReportCsvView.as_view(), name="api-report-csv"),
]
