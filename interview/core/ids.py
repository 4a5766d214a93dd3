"""Row ids from the outside world (paths, bodies, query strings): parsed once, with bounds, never a 500.

Every primary key is a BigAutoField, so an id is a whole number from 1 to 2**63 - 1. Anything else
(letters, signs, decimals, NUL bytes, numbers too large for the column) names no row: callers answer
404 or 400, and the ORM never sees a value the database driver cannot bind.
"""

from __future__ import annotations

ID_MIN = 1
ID_MAX = 2**63 - 1
# For URL patterns and DRF's lookup_value_regex: ASCII digits only (`\\d` also matches other scripts' digits).
ID_PATH_REGEX = r"[0-9]+"


def parse_id(value: object) -> int | None:
    """The id a value names, or None when it is not a whole number within the id range."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and value.isascii() and value.isdigit():
        number = int(value)
    else:
        return None
    return number if ID_MIN <= number <= ID_MAX else None
