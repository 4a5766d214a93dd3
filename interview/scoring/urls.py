"""Pages for scorecards."""

from django.urls import path

from interview.scoring import views as v

urlpatterns = [
    path("interviews/<int:chat_id>/scorecards/", v.scorecard_page, name="scorecard_page"),
]
