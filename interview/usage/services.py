"""The token-usage ledger: one TokenUsage row per LLM call, whoever made it."""

from __future__ import annotations

from django.conf import settings

from interview.llm.base import Usage
from interview.models import Chat, TokenUsage


def usage_record(*, user_id: int, usage: Usage, model: str, request_type: str, chat: Chat | None = None) -> TokenUsage:
    """Write one ledger row (model names are cut to the column; an unreported model is "unknown")."""
    return TokenUsage.objects.create(
        user_id=user_id,
        chat=chat,
        model_name=(model or "unknown")[:50],
        prompt_tokens=usage.prompt_tokens,
        completion_tokens=usage.completion_tokens,
        estimated=usage.estimated,
        request_type=request_type,
        branch_name=settings.TOKEN_BRANCH_NAME,
    )
