"""Hiring pages: invitations, the join link and candidates."""

from django.urls import path

from interview.hiring import accommodation_views as accommodation
from interview.hiring import views as hiring

urlpatterns = [
    path("invitations/", hiring.invitation_dashboard, name="invitation_dashboard"),
    path("invitations/new/", hiring.invitation_create, name="invitation_create"),
    path("invitations/<int:invitation_id>/review/", hiring.invitation_review, name="invitation_review"),
    path("invitations/<int:invitation_id>/panel/", hiring.invitation_panel, name="invitation_panel"),
    path("invitations/<int:invitation_id>/decision/", hiring.invitation_decision, name="invitation_decision"),
    path(
        "invitations/<int:invitation_id>/accommodation/",
        accommodation.accommodation_decision_page,
        name="accommodation_decision",
    ),
    path("invitations/<int:invitation_id>/resend/", hiring.invitation_resend, name="invitation_resend"),
    path("invitations/<int:invitation_id>/", hiring.invitation_result, name="invitation_result"),
    path("invite/<str:token>/", hiring.invitation_join, name="invitation_join"),
    path("invite/<str:token>/start/", hiring.invitation_start, name="invitation_start"),
    path("invite/<str:token>/accommodation/", accommodation.accommodation_request_page, name="accommodation_request"),
    path("candidates/", hiring.candidate_search, name="candidate_search"),
    path("candidates/<int:user_id>/", hiring.candidate_profile, name="candidate_profile"),
]
