"""LLM access for the services: the provider interface and `get_provider()`, which picks one from settings."""

from __future__ import annotations

import dataclasses
import threading
from dataclasses import dataclass

from django.conf import settings

from interview.llm.base import (
    LLMConnectionError,
    LLMError,
    LLMFormatRefused,
    LLMInvalidRequest,
    LLMProvider,
    LLMRateLimited,
    LLMServerError,
    LLMStream,
    LLMStreamBroken,
    LLMTimeout,
    TokenLimits,
    Turn,
    TurnKind,
    Usage,
)
from interview.llm.offline import OfflineInterviewer

__all__ = [
    "LLMConnectionError",
    "LLMError",
    "LLMFormatRefused",
    "LLMInvalidRequest",
    "LLMProvider",
    "LLMRateLimited",
    "LLMServerError",
    "LLMStream",
    "LLMStreamBroken",
    "LLMTimeout",
    "OfflineInterviewer",
    "TokenLimits",
    "Turn",
    "TurnKind",
    "Usage",
    "get_provider",
]


@dataclass(frozen=True)
class _LLMConfig:
    offline: bool
    api_key: str
    base_url: str
    model: str
    connect_timeout: float
    first_token_timeout: float
    chunk_gap_timeout: float
    max_retries: int
    token_limits: TokenLimits
    offline_words_per_second: float


_providers: dict[_LLMConfig, LLMProvider] = {}
_lock = threading.Lock()


def _current_config() -> _LLMConfig:
    return _LLMConfig(
        offline=bool(settings.LLM_OFFLINE),
        api_key=settings.OPENAI_API_KEY,
        base_url=settings.OPENAI_BASE_URL,
        model=settings.OPENAI_MODEL,
        connect_timeout=float(settings.LLM_CONNECT_TIMEOUT),
        first_token_timeout=float(settings.LLM_FIRST_TOKEN_TIMEOUT),
        chunk_gap_timeout=float(settings.LLM_CHUNK_GAP_TIMEOUT),
        max_retries=int(settings.LLM_MAX_RETRIES),
        token_limits=TokenLimits(
            turn=int(settings.LLM_MAX_TOKENS_TURN),
            grading=int(settings.LLM_MAX_TOKENS_GRADING),
            parsing=int(settings.LLM_MAX_TOKENS_PARSING),
            follow_up=int(settings.LLM_MAX_TOKENS_FOLLOW_UP),
        ),
        offline_words_per_second=float(settings.LLM_OFFLINE_WORDS_PER_SECOND),
    )


def _build(config: _LLMConfig) -> LLMProvider:
    if config.offline:
        return OfflineInterviewer(pace=config.offline_words_per_second)
    # Imported here so the offline path never loads the openai client.
    from interview.llm.openai_provider import OpenAIProvider

    return OpenAIProvider(
        api_key=config.api_key,
        base_url=config.base_url,
        model=config.model,
        connect_timeout=config.connect_timeout,
        first_token_timeout=config.first_token_timeout,
        chunk_gap_timeout=config.chunk_gap_timeout,
        max_retries=config.max_retries,
        token_limits=config.token_limits,
    )


def get_provider(*, offline: bool = False) -> LLMProvider:
    """Return the provider the current settings ask for: the offline interviewer or the OpenAI-compatible one.

    `offline` asks for the offline interviewer whatever is configured (a chat it conducts: a user who declined
    to send their answers to the model). One instance per distinct set of LLM settings, so `override_settings`
    in tests gets its own provider.
    """
    config = _current_config()
    if offline and not config.offline:
        config = dataclasses.replace(config, offline=True)
    with _lock:
        provider = _providers.get(config)
        if provider is None:
            provider = _providers[config] = _build(config)
    return provider
