"""Server-rendered pages."""

from django.urls import include, path

from interview.core import health
from interview.core import views as pages
from interview.views import interviews

urlpatterns = [
    path("", pages.home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    path("interviews/", interviews.interview_list, name="interview_list"),
    path("interviews/new/", interviews.interview_new, name="interview_new"),
    path("interviews/<int:chat_id>/", interviews.interview_live, name="interview_live"),
    path("interviews/<int:chat_id>/observe/", interviews.interview_observe, name="interview_observe"),
    path("", include("interview.accounts.urls")),
    path("", include("interview.documents.urls")),
    path("", include("interview.setup.urls")),
    path("", include("interview.urls_reports")),
    path("", include("interview.urls_hiring")),
]
