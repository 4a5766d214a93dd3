"""Interview pages: the list, a new interview, the live page and the observer's page."""

from django.urls import path

from interview.interviews import views

urlpatterns = [
    path("interviews/", views.interview_list, name="interview_list"),
    path("interviews/new/", views.interview_new, name="interview_new"),
    path("interviews/fit/", views.interview_fit, name="interview_fit"),
    path("interviews/<int:chat_id>/", views.interview_live, name="interview_live"),
    path("interviews/<int:chat_id>/observe/", views.interview_observe, name="interview_observe"),
]
