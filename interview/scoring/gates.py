"""The blind rule at the door of report pages and exports: a 403 page saying why, with a link to score."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from interview.accounts.permissions import can_view_chat
from interview.core.errors import ErrorCode
from interview.models import Chat
from interview.scoring.blind import scores_hidden_from


def blind_gate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Wrap a view taking `chat_id`: a panelist who has not submitted their scorecard gets a 403 page
    (`scores_hidden`) instead; everyone else reaches the view, which applies its own access rules."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        chat = Chat.objects.select_related("invitation").filter(pk=int(kwargs.get("chat_id") or 0)).first()
        if chat is not None and can_view_chat(request.user, chat) and scores_hidden_from(request.user, chat):
            context = {"chat": chat, "code": ErrorCode.SCORES_HIDDEN}
            return render(request, "scoring/scores_hidden.html", context, status=403)
        return view(request, *args, **kwargs)

    return wrapper
