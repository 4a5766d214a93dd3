"""Tests of interview/llm/: providers, transport, tokens, pricing, and the fake OpenAI server itself."""
