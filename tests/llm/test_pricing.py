"""The price table and TokenUsage.estimate_cost: spec prices, longest-prefix matching, overrides."""

from __future__ import annotations

from decimal import Decimal

import pytest

from interview.llm.pricing import DEFAULT_PRICES, cost_of, price_for, price_table
from interview.models import TokenUsage


def _usage(model_name, prompt_tokens, completion_tokens):
    return TokenUsage(model_name=model_name, prompt_tokens=prompt_tokens, completion_tokens=completion_tokens)


@pytest.mark.parametrize(
    ("model_name", "prices"),
    [("gpt-4o", (0.03, 0.06)), ("claude-sonnet-4-5", (0.003, 0.015)), ("claude-sonnet-4.5", (0.003, 0.015))],
)
def test_pricing_default_table_matches_spec(model_name, prices):
    assert DEFAULT_PRICES[model_name] == prices


def test_pricing_estimate_cost_gpt4o_spec_example():
    assert _usage("gpt-4o", 1500, 800).estimate_cost() == Decimal("0.093")


def test_pricing_estimate_cost_returns_decimal():
    assert isinstance(_usage("gpt-4o", 1, 1).estimate_cost(), Decimal)


@pytest.mark.parametrize(
    ("model_name", "prompt", "completion", "expected"),
    [
        ("gpt-4o", 1000, 0, Decimal("0.03")),
        ("gpt-4o", 0, 1000, Decimal("0.06")),
        ("gpt-4o", 0, 0, Decimal("0")),
        ("claude-sonnet-4-5", 1000, 1000, Decimal("0.018")),
        ("gpt-4o-mini", 1000, 1000, Decimal("0.00075")),
        ("offline-interviewer", 5000, 5000, Decimal("0")),
    ],
)
def test_pricing_estimate_cost(model_name, prompt, completion, expected):
    assert _usage(model_name, prompt, completion).estimate_cost() == expected


@pytest.mark.parametrize(
    ("model_name", "matched"),
    [
        ("gpt-4o", "gpt-4o"),
        ("gpt-4o-2024-08-06", "gpt-4o"),
        ("gpt-4o-mini", "gpt-4o-mini"),
        ("gpt-4o-mini-2024-07-18", "gpt-4o-mini"),
        ("GPT-4o-2024-08-06", "gpt-4o"),
        ("  gpt-4o  ", "gpt-4o"),
        ("gpt-4.1-mini-2025-04-14", "gpt-4.1-mini"),
        ("gpt-4.1-2025-04-14", "gpt-4.1"),
        ("claude-sonnet-4-5-20250929", "claude-sonnet-4-5"),
    ],
)
def test_pricing_price_for_longest_prefix(model_name, matched):
    expected = tuple(Decimal(str(p)) for p in DEFAULT_PRICES[matched])
    assert price_for(model_name) == expected


def test_pricing_dated_gpt4o_costs_like_gpt4o():
    assert _usage("gpt-4o-2024-08-06", 1500, 800).estimate_cost() == Decimal("0.093")


def test_pricing_dated_gpt4o_mini_not_priced_as_gpt4o():
    cost = _usage("gpt-4o-mini-2024-07-18", 1500, 800).estimate_cost()
    assert cost == Decimal("0.000705")
    assert cost != Decimal("0.093")


@pytest.mark.parametrize("model_name", ["mystery-llm", "llama-3-8b", "gpt-4", "o1-preview", "", "   "])
def test_pricing_unknown_model_returns_none(model_name):
    assert price_for(model_name) is None
    assert _usage(model_name, 1500, 800).estimate_cost() is None


def test_pricing_cost_of_unknown_model_is_none():
    assert cost_of("mystery-llm", 10, 10) is None


def test_pricing_settings_override_changes_price(settings):
    settings.LLM_PRICES = {"gpt-4o": (0.005, 0.015)}
    assert _usage("gpt-4o", 1000, 1000).estimate_cost() == Decimal("0.02")


def test_pricing_settings_override_applies_to_dated_name(settings):
    settings.LLM_PRICES = {"gpt-4o": (0.005, 0.015)}
    assert _usage("gpt-4o-2024-08-06", 1000, 1000).estimate_cost() == Decimal("0.02")


def test_pricing_settings_override_leaves_other_rows(settings):
    settings.LLM_PRICES = {"gpt-4o": (0.005, 0.015)}
    assert _usage("gpt-4o-mini", 1000, 1000).estimate_cost() == Decimal("0.00075")


def test_pricing_settings_adds_new_model(settings):
    settings.LLM_PRICES = {"qwen2.5-7b-instruct": (0.0001, 0.0002)}
    assert _usage("qwen2.5-7b-instruct-q4", 10_000, 10_000).estimate_cost() == Decimal("0.003")


def test_pricing_settings_empty_uses_defaults(settings):
    settings.LLM_PRICES = None
    assert price_table() == DEFAULT_PRICES


def test_pricing_settings_override_differently_cased_key(settings):
    settings.LLM_PRICES = {"GPT-4o": (0.005, 0.015)}
    assert _usage("gpt-4o", 1000, 1000).estimate_cost() == Decimal("0.02")
