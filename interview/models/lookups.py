"""`__in` on integer columns that ignores numbers the column cannot hold, as Django's `exact`, `lt` and `gt` do.

Django (since 5.0) answers `filter(pk=10**20)` with no rows, but `filter(pk__in=[10**20])` still hands the
number to the driver: OverflowError on SQLite, a range error on PostgreSQL, a 500 either way. A number
outside the column's range cannot match a row, so it is dropped here (and an empty list matches nothing).
"""

from __future__ import annotations

import copy
from typing import Any

from django.db.models import IntegerField
from django.db.models.lookups import In


@IntegerField.register_lookup
class IntegerFieldIn(In):
    """`in` for integer columns (primary keys included) without out-of-range values."""

    def process_rhs(self, compiler: Any, connection: Any) -> Any:
        if self.rhs_is_direct_value():
            low, high = connection.ops.integer_field_range(self.lhs.output_field.get_internal_type())
            kept = [v for v in self.rhs if not _outside(v, low, high)]
            if len(kept) != len(self.rhs):
                narrowed = copy.copy(self)
                narrowed.rhs = kept
                return In.process_rhs(narrowed, compiler, connection)
        return super().process_rhs(compiler, connection)


def _outside(value: Any, low: int | None, high: int | None) -> bool:
    if not isinstance(value, int):
        return False
    return (low is not None and value < low) or (high is not None and value > high)
