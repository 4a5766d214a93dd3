"""Finding library terms in text: whole words and phrases only, case-insensitively, Unicode-aware.

Pure code (no ORM): `text_check(text, terms)` is what the services, the live preview and the report check
share. A term matches only where no letter, digit or underscore touches either end ("Page" is not "age",
"manager" is not "man"); inside a phrase, any run of spaces or hyphens matches any other ("good looking"
finds "good-looking"), and typographic apostrophes count as "'".
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

# What separates the words of a phrase: whitespace and the hyphens and dashes people type.
SEPARATOR = r"[\s\-\u2010\u2011\u2012\u2013\u2014]+"
_SEPARATOR_RE = re.compile(SEPARATOR)
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u2032": "'", "`": "'"})
BLOCK = "block"
WARN = "warn"


@dataclass(frozen=True)
class Term:
    """One library entry as the matcher needs it."""

    term: str
    category: str
    severity: str
    explanation: str


@dataclass(frozen=True)
class Flag:
    """One occurrence of a term in a text: the entry and where it was found (`text[start:end]`)."""

    term: str
    category: str
    severity: str
    explanation: str
    start: int
    end: int

    @property
    def blocks(self) -> bool:
        return self.severity == BLOCK

    def public(self) -> dict[str, str]:
        """The flag as APIs and socket frames carry it (no positions)."""
        return {
            "term": self.term,
            "category": self.category,
            "severity": self.severity,
            "explanation": self.explanation,
        }


def term_key(term: str) -> str:
    """The form two spellings of one term share: apostrophes unified, separators one space, case folded."""
    words = _SEPARATOR_RE.split(term.translate(_APOSTROPHES).strip())
    return " ".join(w for w in words if w).casefold()


class Matcher:
    """A compiled library: one alternation, longest phrases first so "thick accent" wins over "accent"."""

    def __init__(self, terms: Iterable[Term]) -> None:
        self.by_key: dict[str, Term] = {}
        for entry in terms:
            key = term_key(entry.term)
            if key:
                self.by_key.setdefault(key, entry)
        keys = sorted(self.by_key, key=lambda k: (-len(k), k))
        alternation = "|".join(SEPARATOR.join(re.escape(w) for w in k.split(" ")) for k in keys)
        self.pattern = re.compile(rf"(?<!\w)(?:{alternation})(?!\w)", re.IGNORECASE) if keys else None

    def find(self, text: str) -> list[Flag]:
        """Every occurrence in the text, in order; positions index the text as given."""
        if self.pattern is None or not text:
            return []
        normalised = text.translate(_APOSTROPHES)  # one character for one: positions stay valid
        flags = []
        for match in self.pattern.finditer(normalised):
            entry = self.by_key.get(term_key(match.group(0)))
            if entry is not None:
                flags.append(Flag(entry.term, entry.category, entry.severity, entry.explanation, *match.span()))
        return flags


@lru_cache(maxsize=8)
def _compiled(terms: tuple[Term, ...]) -> Matcher:
    return Matcher(terms)


def text_check(text: str, terms: Sequence[Term]) -> list[Flag]:
    """The flags of `terms` in `text` (compiled once per distinct library, then cached)."""
    return _compiled(tuple(terms)).find(text)


def distinct_terms(flags: Iterable[Flag]) -> list[Flag]:
    """One flag per term (the first occurrence), blocking terms first."""
    seen: dict[str, Flag] = {}
    for flag in flags:
        seen.setdefault(term_key(flag.term), flag)
    return sorted(seen.values(), key=lambda f: (not f.blocks, f.start))
