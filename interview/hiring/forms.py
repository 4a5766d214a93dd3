"""Forms of the hiring pages: invite, review feedback, candidate search."""

from __future__ import annotations

from typing import Any, cast

from django import forms

from interview.hiring.clock import MAX_DURATION_MINUTES, MIN_DURATION_MINUTES
from interview.hiring.services import FEEDBACK_MAX_CHARS
from interview.models import InterviewTemplate, InvitedInterview
from interview.setup.selectors import template_list_for_user

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


class InvitationForm(forms.Form):
    """Who to invite, from which template, when (UTC) and for how long."""

    candidate_email = forms.EmailField(
        label="Candidate's email",
        max_length=254,
        help_text="They must sign in with this address, verified, to open the invitation.",
    )
    template: forms.ModelChoiceField[InterviewTemplate] = forms.ModelChoiceField(
        queryset=None, empty_label="Choose a template"
    )
    scheduled_time = forms.DateTimeField(
        label="Scheduled time (UTC)",
        input_formats=[DATETIME_LOCAL, "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL),
        help_text="The candidate can start from this time until the duration has passed.",
    )
    duration_minutes = forms.IntegerField(
        label="Duration (minutes)",
        initial=60,
        help_text=f"From {MIN_DURATION_MINUTES} to {MAX_DURATION_MINUTES} minutes.",
        widget=forms.NumberInput(attrs={"min": MIN_DURATION_MINUTES, "max": MAX_DURATION_MINUTES}),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["template"]).queryset = template_list_for_user(user)

    def service_kwargs(self) -> dict[str, Any]:
        """The cleaned values as invitation_create's keyword arguments (the service checks the rules)."""
        d = self.cleaned_data
        return {
            "candidate_email": d["candidate_email"],
            "template_id": d["template"].pk,
            "scheduled_time": d["scheduled_time"],
            "duration_minutes": d["duration_minutes"],
        }


class FeedbackForm(forms.Form):
    """The interviewer's feedback for the candidate; "mark reviewed" publishes it."""

    SAVE = "save"
    PUBLISH = "publish"

    feedback = forms.CharField(
        required=False,
        max_length=FEEDBACK_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="The candidate sees this once you mark the interview reviewed.",
    )
    # Sent by the submit button pressed (the template renders one button per choice).
    action = forms.ChoiceField(choices=[(SAVE, "Save draft"), (PUBLISH, "Mark reviewed")])

    @staticmethod
    def initial_for(invitation: InvitedInterview) -> dict[str, Any]:
        """The form's initial values for an invitation."""
        return {"feedback": invitation.interviewer_feedback, "action": FeedbackForm.SAVE}


class CandidateSearchForm(forms.Form):
    """Search candidates by username, name or email."""

    q = forms.CharField(label="Search candidates", required=False, max_length=200)
