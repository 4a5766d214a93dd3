"""The scorecard page: score an invited interview blind, then see every scorecard and the AI side by side."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from interview.core.errors import ErrorCode, ServiceError
from interview.fairness.forms import fairness_error_on, is_fairness_refusal
from interview.hiring.selectors import invitation_review_data
from interview.models import Chat, Scorecard
from interview.scoring import selectors as sel
from interview.scoring.blind import may_score, scores_hidden_from
from interview.scoring.forms import ScorecardForm
from interview.scoring.services import scorecard_save


def _chat(request: HttpRequest, chat_id: int) -> Chat:
    chat = sel.chat_get_for_scoring(request.user, chat_id)
    if chat is None:
        raise Http404("No such invited interview.")
    return chat


@login_required
def scorecard_page(request: HttpRequest, chat_id: int) -> HttpResponse:
    """Your scorecard (the form until you submit), the transcript, and after submitting the side-by-side board."""
    chat = _chat(request, chat_id)
    if not may_score(request.user, chat):
        return render(request, "403.html", status=403)  # the candidate never sees scorecards
    card = Scorecard.objects.filter(chat=chat, interviewer_id=request.user.pk).first()
    criteria = sel.criteria_of(chat)
    form = ScorecardForm(request.POST or None, criteria=criteria, card=card)
    if request.method == "POST" and form.is_valid():
        data = form.to_input()
        try:
            scorecard_save(chat=chat, user=request.user, data=data, now=timezone.now())
        except ServiceError as exc:
            if is_fairness_refusal(exc):
                fairness_error_on(form, exc.details.get("field", "notes"), exc)
            elif exc.code != ErrorCode.ALREADY_SUBMITTED:
                form.add_error(None, exc.message)
            else:  # a second tab's late submit: the form is gone from the page, so say it above the board
                messages.error(request, exc.message)
                return redirect("scorecard_page", chat_id=chat.pk)
        else:
            messages.success(request, "Scorecard submitted." if data.submit else "Draft saved.")
            return redirect("scorecard_page", chat_id=chat.pk)
    return render(
        request, "scoring/scorecards.html", _context(request, chat, card, form), status=400 if form.errors else 200
    )


def _context(request: HttpRequest, chat: Chat, card: Scorecard | None, form: ScorecardForm) -> dict[str, Any]:
    hidden = scores_hidden_from(request.user, chat)
    invitation = chat.invitation
    context: dict[str, Any] = {
        "chat": chat,
        "invitation": invitation,
        "card": card,
        "form": form if card is None or not card.is_submitted else None,
        "criteria": sel.criteria_of(chat),
        "hidden": hidden,
        "transcript": invitation_review_data(invitation).messages,
        "board": None,
    }
    if not hidden:
        context["board"] = sel.scorecard_board(chat, sel.scorecard_list_for(request.user, chat))
    return context
