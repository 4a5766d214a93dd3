"""Cells safe to open in a spreadsheet program: text it would run as a formula is escaped."""

from __future__ import annotations

from typing import Final, TypeVar

# A cell starting with one of these is run as a formula by Excel, LibreOffice or Google Sheets.
FORMULA_TRIGGERS: Final = ("=", "+", "-", "@", "\t", "\r")

T = TypeVar("T")


def escape_formula(value: T) -> T | str:
    """Prefix text that would start a formula with an apostrophe (OWASP's advice); other values pass as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value
