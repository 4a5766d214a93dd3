"""Pages for resumes and job listings."""

from django.urls import path

from interview.documents import resume_views as rv
from interview.documents import views as v

urlpatterns = [
    path("resumes/", v.resume_list, name="resume_list"),
    path("resumes/upload/", v.resume_upload, name="resume_upload"),
    path("resumes/<int:resume_id>/", rv.resume_detail, name="resume_detail"),
    path("resumes/<int:resume_id>/status/", rv.resume_status, name="resume_status"),
    path("resumes/<int:resume_id>/parsed/", rv.resume_parsed_edit, name="resume_parsed_edit"),
    path("resumes/<int:resume_id>/reparse/", rv.resume_reparse_view, name="resume_reparse"),
    path("resumes/<int:resume_id>/edit/", v.resume_edit, name="resume_edit"),
    path("resumes/<int:resume_id>/delete/", v.resume_delete, name="resume_delete"),
    path("resumes/<int:resume_id>/file/", v.resume_download, name="resume_download"),
    path("jobs/", v.job_list, name="job_list"),
    path("jobs/new/", v.job_create, name="job_create"),
    path("jobs/<int:listing_id>/", v.job_detail, name="job_detail"),
    path("jobs/<int:listing_id>/status/", v.job_status, name="job_status"),
    path("jobs/<int:listing_id>/reparse/", v.job_reparse, name="job_reparse"),
    path("jobs/<int:listing_id>/edit/", v.job_edit, name="job_edit"),
    path("jobs/<int:listing_id>/delete/", v.job_delete, name="job_delete"),
    path("jobs/<int:listing_id>/file/", v.job_download, name="job_download"),
]
