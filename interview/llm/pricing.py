"""The one price table for LLM usage, in USD per 1K prompt and completion tokens."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings

# Per the product spec. Settings.LLM_PRICES overrides or extends any row.
DEFAULT_PRICES: dict[str, tuple[float, float]] = {
    "gpt-4o": (0.03, 0.06),
    "gpt-4o-mini": (0.00015, 0.0006),
    "gpt-4.1": (0.002, 0.008),
    "gpt-4.1-mini": (0.0004, 0.0016),
    "gpt-4-turbo": (0.01, 0.03),
    "gpt-3.5-turbo": (0.0005, 0.0015),
    "claude-sonnet-4-5": (0.003, 0.015),
    "claude-sonnet-4.5": (0.003, 0.015),
    # Local and offline models cost nothing to run per token.
    "offline-interviewer": (0.0, 0.0),
}


def price_table() -> dict[str, tuple[float, float]]:
    """Return the effective price table: the defaults overlaid with settings.LLM_PRICES."""
    table = {key.lower(): value for key, value in DEFAULT_PRICES.items()}
    # Settings win, whatever the case of their keys.
    table.update({key.lower(): value for key, value in (settings.LLM_PRICES or {}).items()})
    return table


def price_for(model_name: str) -> tuple[Decimal, Decimal] | None:
    """Return (prompt, completion) prices per 1K tokens by longest matching prefix, or None if unknown."""
    name = (model_name or "").strip().lower()
    if not name:
        return None
    table = price_table()
    best = max((key for key in table if name.startswith(key)), key=len, default=None)
    if best is None:
        return None
    prompt, completion = table[best]
    return Decimal(str(prompt)), Decimal(str(completion))


def cost_of(model_name: str, prompt_tokens: int, completion_tokens: int) -> Decimal | None:
    """Return the USD cost of a request, or None when the model has no known price."""
    prices = price_for(model_name)
    if prices is None:
        return None
    prompt_price, completion_price = prices
    return (Decimal(prompt_tokens) * prompt_price + Decimal(completion_tokens) * completion_price) / Decimal(1000)
