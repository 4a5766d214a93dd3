"""The live preview: as an interviewer types, the page asks which library terms the text uses."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST

from interview.accounts.permissions import INTERVIEWER, role_required
from interview.fairness.check import distinct_terms
from interview.fairness.selectors import fairness_flags
from interview.models import FairnessTerm

# The longest text the preview reads (the guarded fields are at most 10,000 characters).
PREVIEW_MAX_CHARS = 20_000


@require_POST
@role_required(INTERVIEWER)
def fairness_check(request: HttpRequest) -> HttpResponse:
    """The flagged terms of the posted field (`fairness_field` names it) as a small partial; nothing is saved."""
    field = request.POST.get("fairness_field") or "text"
    text = (request.POST.get(field) or "")[:PREVIEW_MAX_CHARS]
    flags = distinct_terms(fairness_flags(text))
    labels = dict(FairnessTerm.CATEGORY_CHOICES)
    rows = [{"flag": f, "category": labels.get(f.category, f.category)} for f in flags]
    context = {"rows": rows, "blocked": any(f.blocks for f in flags)}
    return render(request, "fairness/_preview.html", context)
