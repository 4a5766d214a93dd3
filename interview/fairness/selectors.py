"""Reads of the term library: the active terms, compiled once per version of the library.

The version is the library's row count and latest change, read with one small query per check, so an
edit in the admin reaches every server process at once; the receivers also drop this process's copy.
"""

from __future__ import annotations

import threading
from typing import Any

from django.db.models import Count, Max

from interview.fairness.check import Flag, Matcher, Term
from interview.fairness.report import highlighted, report_flags
from interview.models import FairnessTerm

_lock = threading.Lock()
_cached: tuple[Any, Matcher] | None = None


def _library_version() -> tuple[Any, ...]:
    stamp = FairnessTerm.objects.aggregate(n=Count("id"), changed=Max("updated_at"))
    return (stamp["n"], stamp["changed"])


def active_terms() -> list[Term]:
    """The active library entries."""
    rows = FairnessTerm.objects.filter(active=True).values_list("term", "category", "severity", "explanation")
    return [Term(*row) for row in rows]


def library_matcher() -> Matcher:
    """The compiled active library, rebuilt only when the library changed."""
    global _cached
    version = _library_version()
    with _lock:
        if _cached is None or _cached[0] != version:
            _cached = (version, Matcher(active_terms()))
        return _cached[1]


def library_forget() -> None:
    """Drop this process's compiled library (a term was saved or deleted)."""
    global _cached
    with _lock:
        _cached = None


def fairness_flags(text: str) -> list[Flag]:
    """Every occurrence of an active library term in the text."""
    return library_matcher().find(text or "")


def report_fairness_flags(report: Any) -> list[dict[str, str]]:
    """The library terms the report's AI text uses, by field (see interview/fairness/report.py)."""
    return report_flags(report, library_matcher())


def text_highlighted(text: str) -> list[tuple[str, bool]]:
    """The text in (piece, is_flagged) runs, for showing the hiring team which words were flagged."""
    return highlighted(text or "", fairness_flags(text))
