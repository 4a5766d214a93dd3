"""The llama.cpp server of `make test-llm` (LLAMA_BASE_URL), shared by the opt-in tests that use it."""

import os

import pytest

LLAMA_BASE_URL = os.environ.get("LLAMA_BASE_URL", "")
needs_llama = pytest.mark.skipif(not LLAMA_BASE_URL, reason="needs LLAMA_BASE_URL: run `make test-llm`")


@pytest.fixture
def llama(settings):
    """Point the real client at llama.cpp serving SmolLM2, with deadlines a 135M model on two CPU cores meets."""
    settings.OPENAI_BASE_URL = LLAMA_BASE_URL
    settings.OPENAI_API_KEY = ""
    settings.OPENAI_MODEL = "smollm2"
    settings.LLM_OFFLINE = False
    settings.LLM_FIRST_TOKEN_TIMEOUT = 60
    settings.LLM_CHUNK_GAP_TIMEOUT = 30
    # Short answers keep each JSON call within its deadline.
    settings.LLM_MAX_TOKENS_GRADING = 1024
    settings.LLM_MAX_TOKENS_PARSING = 512
    settings.FOLLOW_UP_DECISION_TIMEOUT_SECONDS = 90
    return settings
