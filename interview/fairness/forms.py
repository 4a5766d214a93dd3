"""Form pieces every guarded text field shares: the textarea with its live preview, the "Save anyway" box,
and showing a guard's refusal on the field it is about (the text stays in the field)."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString

from interview.core.errors import ErrorCode, ServiceError

FAIRNESS_CODES = frozenset({ErrorCode.BIASED_LANGUAGE, ErrorCode.CONFIRM_LANGUAGE})
PREVIEW_DELAY = "input changed delay:400ms"


class FairnessTextarea(forms.Textarea):
    """A textarea that asks /fairness/check/ about its text as the writer types (htmx; no inline script)."""

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        widget_attrs = context["widget"]["attrs"]
        preview_id = f"{widget_attrs.get('id') or 'id_' + name}_fairness"
        widget_attrs.update(
            {
                "hx-post": reverse("fairness_check"),
                "hx-trigger": PREVIEW_DELAY,
                "hx-target": f"#{preview_id}",
                "hx-swap": "innerHTML",
                "hx-vals": json.dumps({"fairness_field": name}),
                "aria-describedby": " ".join(filter(None, [widget_attrs.get("aria-describedby"), preview_id])),
            }
        )
        return context

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        html = super().render(name, value, attrs, renderer)
        preview_id = f"{(attrs or {}).get('id') or self.attrs.get('id') or 'id_' + name}_fairness"
        return format_html(
            '{}<div class="fairness-preview" id="{}" aria-live="polite" data-testid="fairness-preview"></div>',
            html,
            preview_id,
        )


def confirm_language_field() -> forms.BooleanField:
    """The box a writer ticks to keep wording the library warns about."""
    return forms.BooleanField(
        required=False,
        label="Save anyway: I have read the wording warning and this text is about the candidate's work",
    )


def is_fairness_refusal(exc: ServiceError) -> bool:
    """Whether a service refusal comes from the fairness guard."""
    return exc.code in FAIRNESS_CODES


def fairness_error_on(form: forms.BaseForm, field: str, exc: ServiceError) -> None:
    """Show a guard's refusal under the text field; a warning also reveals the "Save anyway" box."""
    form.add_error(field if field in form.fields else None, exc.message)
    if exc.code == ErrorCode.CONFIRM_LANGUAGE:
        setattr(form, "fairness_warning", True)  # noqa: B010  (templates show the "Save anyway" box)
