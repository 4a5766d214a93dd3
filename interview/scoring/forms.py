"""The scorecard form: a 1-5 choice and a comment per rubric criterion, a recommendation, notes, save or submit."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms

from interview.fairness.forms import FairnessTextarea, confirm_language_field
from interview.models import Scorecard
from interview.scoring.services import COMMENT_MAX_CHARS, NOTES_MAX_CHARS, ScorecardInput

SCORE_CHOICES = [(str(n), str(n)) for n in range(1, 6)]


class ScorecardForm(forms.Form):
    """Built from the chat's rubric: fields `score_<key>` and `comment_<key>` per criterion."""

    SAVE = "save"
    SUBMIT = "submit"

    recommendation = forms.ChoiceField(
        choices=[("", "Not decided yet"), *Scorecard.RECOMMENDATION_CHOICES], required=False
    )
    notes = forms.CharField(required=False, max_length=NOTES_MAX_CHARS, widget=FairnessTextarea(attrs={"rows": 4}))
    confirm_language = confirm_language_field()
    action = forms.ChoiceField(choices=[(SAVE, "Save draft"), (SUBMIT, "Submit (final)")])

    def __init__(self, *args: Any, criteria: Sequence[dict[str, Any]], card: Scorecard | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        scores = (card.scores if card else None) or {}
        for criterion in self.criteria:
            key = criterion["key"]
            entry = scores.get(key) or {}
            self.fields[f"score_{key}"] = forms.ChoiceField(
                label=criterion["name"],
                choices=SCORE_CHOICES,
                required=False,
                widget=forms.RadioSelect,
                initial=str(entry.get("score", "")),
            )
            self.fields[f"comment_{key}"] = forms.CharField(
                label=f"Comment on {criterion['name'].lower()}",
                required=False,
                max_length=COMMENT_MAX_CHARS,
                initial=entry.get("comment", ""),
                widget=FairnessTextarea(attrs={"rows": 2}),
            )
        if card is not None:
            self.fields["recommendation"].initial = card.recommendation
            self.fields["notes"].initial = card.notes

    def rows(self) -> list[tuple[dict[str, Any], forms.BoundField, forms.BoundField]]:
        """Each criterion with its score and comment fields, for the template."""
        return [(c, self[f"score_{c['key']}"], self[f"comment_{c['key']}"]) for c in self.criteria]

    def to_input(self) -> ScorecardInput:
        """The cleaned form as the service's input: an empty score clears that criterion."""
        d = self.cleaned_data
        scores: dict[str, Any] = {}
        for criterion in self.criteria:
            key = criterion["key"]
            raw = d.get(f"score_{key}")
            scores[key] = {"score": int(raw), "comment": d.get(f"comment_{key}", "")} if raw else None
        return ScorecardInput(
            scores=scores,
            recommendation=d["recommendation"],
            notes=d["notes"],
            submit=d["action"] == self.SUBMIT,
            confirm_language=d["confirm_language"],
        )
