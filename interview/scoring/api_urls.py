"""API routes for scorecards, under /api/chats/<id>/scorecards/."""

from django.urls import path

from interview.scoring import api as v

urlpatterns = [
    path("chats/<int:chat_id>/scorecards/", v.ScorecardListView.as_view(), name="api-scorecards"),
    path("chats/<int:chat_id>/scorecards/<int:user_id>/", v.ScorecardDetailView.as_view(), name="api-scorecard"),
    path(
        "chats/<int:chat_id>/scorecards/<int:user_id>/reopen/",
        v.ScorecardReopenView.as_view(),
        name="api-scorecard-reopen",
    ),
]
