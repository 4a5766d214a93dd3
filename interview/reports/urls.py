"""Pages for interview reports."""

from django.urls import path

from interview.reports import views as v

urlpatterns = [
    path("interviews/<int:chat_id>/report/", v.report_detail, name="report_detail"),
    path("interviews/<int:chat_id>/report.pdf", v.report_pdf, name="report_pdf"),
    path("interviews/<int:chat_id>/report.csv", v.report_csv, name="report_csv"),
    path("interviews/<int:chat_id>/report/regenerate/", v.report_regenerate, name="report_regenerate"),
    path("interviews/<int:chat_id>/report/overrides/", v.report_override, name="report_override"),
]
