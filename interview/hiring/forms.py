"""Forms of the hiring pages: invite, review feedback, candidate search."""

from __future__ import annotations

from typing import Any, cast

from django import forms

from interview.fairness.forms import FairnessTextarea, confirm_language_field
from interview.hiring.accommodations import EXTRA_ONLY as EXTRA_TIME_MESSAGE
from interview.hiring.clock import MAX_DURATION_MINUTES, MIN_DURATION_MINUTES
from interview.hiring.panel import PANEL_MAX, REASON_MAX_CHARS
from interview.hiring.services import FEEDBACK_MAX_CHARS
from interview.models import AccommodationRequest, InterviewTemplate, InvitedInterview
from interview.models.choices import TIME_MULTIPLIER_CHOICES
from interview.setup.forms import time_multiplier_field
from interview.setup.selectors import template_list_for_user

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


class PanelField(forms.CharField):
    """Co-interviewers as usernames separated by commas or spaces; cleans to a list of usernames."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", "Co-interviewers (panel)")
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 1000)
        kwargs.setdefault(
            "help_text",
            f"Up to {PANEL_MAX} usernames of interviewers or admins, separated by commas. Each may observe the "
            "interview live and score it.",
        )
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        text = super().to_python(value) or ""
        return [name for name in text.replace(",", " ").split() if name]


class PanelForm(forms.Form):
    """Replace an invitation's panel."""

    panel = PanelField()

    @staticmethod
    def initial_for(invitation: InvitedInterview) -> dict[str, Any]:
        return {"panel": ", ".join(u.username for u in invitation.panel.all())}


class DecisionForm(forms.Form):
    """The hiring decision with its reason; a strong no in a submitted scorecard must be acknowledged."""

    decision = forms.ChoiceField(choices=InvitedInterview.DECISION_CHOICES, widget=forms.RadioSelect)
    reason = forms.CharField(
        max_length=REASON_MAX_CHARS,
        required=False,
        widget=FairnessTextarea(attrs={"rows": 4}),
        help_text="Why: the team reads this later. Required.",
    )
    confirm_language = confirm_language_field()
    acknowledge_strong_no = forms.BooleanField(
        required=False,
        label="I have read the strong no and address it in my reason",
    )


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
    panel = PanelField()
    time_multiplier = time_multiplier_field(
        help_text="An accommodation: every time limit is multiplied and the window extended to match. The interviewers "
        "see only that extra time applied."
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
            "panel": d.get("panel") or [],
            "time_multiplier": d.get("time_multiplier"),
        }


EXTRA_TIME_CHOICES = [(str(value), label) for value, label in TIME_MULTIPLIER_CHOICES if value > 1]


class AccommodationRequestForm(forms.Form):
    """The candidate's request for extra time: only the multiplier, never a reason."""

    multiplier = forms.ChoiceField(
        label="Extra time",
        choices=EXTRA_TIME_CHOICES,
        help_text="Every question's time limit is multiplied by this. You do not need to give a reason.",
        error_messages={"invalid_choice": EXTRA_TIME_MESSAGE, "required": EXTRA_TIME_MESSAGE},
    )


class AccommodationDecisionForm(forms.Form):
    """The inviting interviewer grants the candidate's request (with the multiplier asked for, or another) or
    declines it."""

    decision = forms.ChoiceField(choices=[("grant", "Grant"), ("decline", "Decline")], widget=forms.RadioSelect)
    multiplier = forms.ChoiceField(
        label="Extra time to grant",
        choices=EXTRA_TIME_CHOICES,
        required=False,
        error_messages={"invalid_choice": EXTRA_TIME_MESSAGE},
    )

    @staticmethod
    def for_request(request: AccommodationRequest | None) -> AccommodationDecisionForm:
        """The form with the multiplier the candidate asked for chosen."""
        initial = {"multiplier": f"{request.requested_multiplier:.2f}"} if request is not None else {}
        return AccommodationDecisionForm(initial=initial)


class FeedbackForm(forms.Form):
    """The interviewer's feedback for the candidate; "mark reviewed" publishes it."""

    SAVE = "save"
    PUBLISH = "publish"

    feedback = forms.CharField(
        required=False,
        max_length=FEEDBACK_MAX_CHARS,
        widget=FairnessTextarea(attrs={"rows": 6}),
        help_text="The candidate sees this once you mark the interview reviewed.",
    )
    confirm_language = confirm_language_field()
    # Sent by the submit button pressed (the template renders one button per choice).
    action = forms.ChoiceField(choices=[(SAVE, "Save draft"), (PUBLISH, "Mark reviewed")])

    @staticmethod
    def initial_for(invitation: InvitedInterview) -> dict[str, Any]:
        """The form's initial values for an invitation."""
        return {"feedback": invitation.interviewer_feedback, "action": FeedbackForm.SAVE}


class CandidateSearchForm(forms.Form):
    """Search candidates by username, name or email."""

    q = forms.CharField(label="Search candidates", required=False, max_length=200)
