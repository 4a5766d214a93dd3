"""Token counting with the bundled offline encoding, and the estimate when it is unavailable."""

from __future__ import annotations

import socket

import pytest
import tiktoken
import tiktoken.registry

from interview.llm import tokens


@pytest.fixture(autouse=True)
def _fresh_encoding():
    tokens.reset_cache()
    yield
    tokens.reset_cache()


def test_count_tokens_hello_world_is_two():
    assert tokens.count_tokens("hello world") == 2


def test_count_tokens_empty_is_zero():
    assert tokens.count_tokens("") == 0


def test_count_tokens_loads_encoding_without_network(monkeypatch):
    def no_network(*args, **kwargs):
        raise AssertionError("network access attempted")

    monkeypatch.setattr(tiktoken.registry, "ENCODINGS", {})
    monkeypatch.setattr(socket, "socket", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket, "getaddrinfo", no_network)
    assert tokens.count_tokens("hello world") == 2


def test_count_tokens_loads_encoding_once(monkeypatch):
    calls: list[str] = []
    real = tiktoken.get_encoding
    monkeypatch.setattr(tiktoken, "get_encoding", lambda name: calls.append(name) or real(name))
    tokens.count_tokens("one")
    tokens.count_tokens("two")
    assert calls == [tokens.ENCODING_NAME]


def test_count_tokens_estimates_when_encoding_fails(monkeypatch):
    def broken(name: str):
        raise ValueError("no such encoding")

    monkeypatch.setattr(tiktoken, "get_encoding", broken)
    assert tokens.count_tokens("a" * 40) == 10


def test_estimate_tokens_rounds_up():
    assert tokens.estimate_tokens("abcde") == 2


def test_count_message_tokens_adds_chat_framing():
    # 3 per message + "user" (1) + "hello world" (2) + 3 for the reply.
    assert tokens.count_message_tokens([{"role": "user", "content": "hello world"}]) == 9
