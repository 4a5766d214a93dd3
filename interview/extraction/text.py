"""Plain-text decoding (UTF-8 first, then the usual fallbacks) and the tidy-up every extracted text gets."""

from __future__ import annotations

import codecs
import re
import unicodedata
from typing import Final

from interview.extraction import errors as e
from interview.extraction.errors import ExtractionError

_BOMS: Final[tuple[tuple[bytes, str], ...]] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Tried in order when there is no BOM; latin-1 accepts any bytes, so decoding always ends somewhere.
_FALLBACKS: Final = ("utf-8", "cp1252", "latin-1")
_BLANK_RUNS: Final = re.compile(r"\n{3,}")
_TRAILING_SPACE: Final = re.compile(r"[ \t]+\n")


def decode_text(data: bytes) -> tuple[str, str]:
    """Return the text and the encoding it was read with: a BOM's, else UTF-8, UTF-16, cp1252 or latin-1."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding
            except UnicodeDecodeError:
                raise ExtractionError(e.DAMAGED) from None
    candidates: tuple[str, ...] = _FALLBACKS
    if b"\x00" in data[:65536]:
        odd_nuls = data[1::2].count(0) > data[0::2].count(0)
        candidates = ("utf-16-le",) if odd_nuls else ("utf-16-be",)
    for encoding in candidates:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise ExtractionError(e.UNSUPPORTED, found="")


def clean_text(text: str, *, max_chars: int) -> str:
    """Normalise newlines and Unicode, drop control characters, trim, and enforce the character limit."""
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch) != "Cc")
    text = _BLANK_RUNS.sub("\n\n", _TRAILING_SPACE.sub("\n", text)).strip()
    if not text:
        raise ExtractionError(e.NO_TEXT)
    if len(text) > max_chars:
        raise ExtractionError(e.TOO_MUCH_TEXT, chars=f"{len(text):,}", limit=f"{max_chars:,}")
    return text
