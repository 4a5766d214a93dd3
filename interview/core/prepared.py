"""Querysets compiled once per process: the live path's reads of one row by its primary key.

Each evaluation of a queryset makes Django build its SQL, look up every column's converters and lay
out select_related's populators again. For the locked read of a turn (the chat with its user,
profile, resume, job listing and invitation: six models, about a hundred columns) that is ~0.9 ms of
CPU, against tens of microseconds for the database to run the statement, and it ran on the thread
every live socket of the process shares (docs/performance.md, issue 23). A PreparedGet does that
work once per database connection and then runs the same statement with the row's key: the same SQL,
converters and populators the ORM would use (taken from the ORM's own compiler), so the objects are
what `queryset.get(pk=...)` returns, related rows cached as select_related caches them.

A PreparedSave is `obj.save()` of such a row (every column but the key, as Model.save writes it, with
the same signals), with the UPDATE statement built once instead of compiled from a queryset each time.
`rows_update` is the one-statement `bulk_update` of one field, written directly: bulk_update builds,
resolves and compiles an expression per row and field.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.db import DatabaseError, connections, router, transaction
from django.db.models import Field, Model, QuerySet
from django.db.models.query import get_related_populators
from django.db.models.signals import post_save, pre_save
from django.db.transaction import TransactionManagementError

M = TypeVar("M", bound=Model)

# The key the statement is compiled with, found again among its parameters to mark where a real key goes.
_PROBE = -731_624_589


@dataclass(frozen=True)
class _Compiled:
    sql: str
    key_position: int
    params: tuple[Any, ...]
    converters: list[tuple[int, tuple[list[Callable[..., Any]], Any]]]
    init_list: list[str]
    start: int
    end: int
    populators: list[Any]
    locks: bool


class PreparedGet(Generic[M]):
    """`build(key)` — a queryset of at most one row, filtered by `key` — compiled once per connection.

    The queryset may use select_related, select_for_update and only(); it may not annotate or use
    prefetch_related (checked when it is compiled). A locking queryset must be evaluated in a transaction,
    as with the ORM.
    """

    def __init__(self, model: type[M], build: Callable[[Any], QuerySet[M]]) -> None:
        self.model = model
        self.build = build
        self._compiled: dict[tuple[str, str], _Compiled] = {}

    def get(self, key: Any, *, for_write: bool = True) -> M | None:
        """The row with `key` (None if there is none), built as the queryset would build it."""
        alias = router.db_for_write(self.model) if for_write else router.db_for_read(self.model)
        connection = connections[alias]
        compiled = self._compiled.get((alias, connection.vendor))
        if compiled is None:
            compiled = self._compiled[(alias, connection.vendor)] = self._compile(alias)
        if compiled.locks and connection.get_autocommit():  # as the ORM refuses it: the lock would end at once
            raise TransactionManagementError("select_for_update cannot be used outside of a transaction.")
        params = list(compiled.params)
        params[compiled.key_position] = key
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, params)
            row = cursor.fetchone()
        if row is None:
            return None
        values = list(row)
        for position, (converters, expression) in compiled.converters:
            value = values[position]
            for converter in converters:
                value = converter(value, expression, connection)
            values[position] = value
        obj = self.model.from_db(alias, compiled.init_list, values[compiled.start : compiled.end])
        for populator in compiled.populators:
            populator.populate(values, obj)
        return obj

    def _compile(self, alias: str) -> _Compiled:
        queryset: Any = self.build(_PROBE)  # its private lists are not in the stubs
        if queryset._prefetch_related_lookups or queryset._known_related_objects or queryset.query.annotations:
            raise ValueError("A PreparedGet queryset may not prefetch, annotate or carry known related objects.")
        compiler = queryset.query.get_compiler(using=alias)
        locks = bool(queryset.query.select_for_update and compiler.connection.features.has_select_for_update)
        # The ORM compiles a locking query only inside a transaction (it checks the connection's state).
        with transaction.atomic(using=alias) if locks else contextlib.nullcontext():
            sql, params = compiler.as_sql()
        positions = [i for i, param in enumerate(params) if param == _PROBE]
        if len(positions) != 1:
            raise ValueError(f"A PreparedGet queryset must use its key exactly once, not {len(positions)} times.")
        fields = [selected[0] for selected in compiler.select[0 : compiler.col_count]]
        if compiler.has_composite_fields(fields):
            raise ValueError("A PreparedGet queryset may not select composite fields.")
        klass_info = compiler.klass_info
        select_fields = klass_info["select_fields"]
        start, end = select_fields[0], select_fields[-1] + 1
        return _Compiled(
            sql=sql,
            key_position=positions[0],
            params=tuple(params),
            converters=list(compiler.get_converters(fields).items()),
            init_list=[selected[0].target.attname for selected in compiler.select[start:end]],
            start=start,
            end=end,
            # The stubs follow Django 6 (a fetch_mode argument); 5.2 takes these three (tests/test_upstream_contracts.py).
            populators=get_related_populators(klass_info, compiler.select, alias),  # type: ignore[call-arg]
            locks=locks,
        )


@dataclass(frozen=True)
class _CompiledSave:
    sql: str
    fields: list[Field[Any, Any]]
    key: Field[Any, Any]


class PreparedSave(Generic[M]):
    """`obj.save()` of a stored, fully loaded row of `model`, with its UPDATE built once per connection.

    Writes what Model.save writes for an existing row (each field's `pre_save` value, so auto_now
    applies), sends pre_save and post_save as it does, and raises DatabaseError when no row was updated
    (the row must exist: the callers hold its lock). A new or partly loaded object is saved by Model.save.
    """

    def __init__(self, model: type[M]) -> None:
        if model._meta.parents:
            raise ValueError("A PreparedSave model may not inherit from another concrete model.")
        self.model = model
        self._compiled: dict[tuple[str, str], _CompiledSave] = {}

    def save(self, obj: M) -> None:
        """Store every field of `obj` in its row, as `obj.save()` would."""
        if obj._state.adding or obj.get_deferred_fields():
            obj.save()
            return
        alias = router.db_for_write(self.model, instance=obj)
        connection = connections[alias]
        compiled = self._compiled.get((alias, connection.vendor))
        if compiled is None:
            compiled = self._compiled[(alias, connection.vendor)] = self._compile(alias)
        pre_save.send(sender=self.model, instance=obj, raw=False, using=alias, update_fields=None)
        params = [field.get_db_prep_save(field.pre_save(obj, False), connection) for field in compiled.fields]
        params.append(compiled.key.get_db_prep_value(obj.pk, connection))
        with transaction.mark_for_rollback_on_error(using=alias), connection.cursor() as cursor:
            cursor.execute(compiled.sql, params)
            updated = cursor.rowcount
        if updated != 1:
            raise DatabaseError(f"Saving {self.model.__name__} {obj.pk} updated {updated} rows, not 1.")
        obj._state.db = alias
        post_save.send(sender=self.model, instance=obj, created=False, update_fields=None, raw=False, using=alias)

    def _compile(self, alias: str) -> _CompiledSave:
        meta = self.model._meta
        quote = connections[alias].ops.quote_name
        fields = [field for field in meta.concrete_fields if not field.primary_key]
        if any(hasattr(field, "get_placeholder") for field in fields):
            raise ValueError("A PreparedSave model may not have fields with their own SQL placeholder.")
        columns = ", ".join(f"{quote(_column(field))} = %s" for field in fields)
        key = meta.pk
        assert key is not None
        sql = f"UPDATE {quote(meta.db_table)} SET {columns} WHERE {quote(_column(key))} = %s"
        return _CompiledSave(sql=sql, fields=fields, key=key)


def _column(field: Field[Any, Any]) -> str:
    assert field.column is not None
    return field.column


def _concrete(model: type[Model], name: str) -> Field[Any, Any]:
    field = model._meta.get_field(name)
    if not isinstance(field, Field) or field.column is None:
        raise ValueError(f"{model.__name__}.{name} is not a column.")
    return field


# Rows per statement of rows_update: two parameters each, far below every backend's limit.
ROWS_PER_UPDATE = 400


def rows_update(model: type[Model], *, field: str, values: Mapping[Any, Any], common: Mapping[str, Any]) -> int:
    """Set `field` to `values[key]` on each row whose key is in `values`, and each `common` field alike on all.

    One UPDATE per ROWS_PER_UPDATE rows, as `bulk_update` writes it (a CASE on the key, cast where the
    backend needs it); values are prepared by their fields as the ORM prepares them, and no auto_now
    applies (pass it in `common`). Returns the number of rows updated.
    """
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    meta = model._meta
    target, key = _concrete(model, field), meta.pk
    assert key is not None
    key_column = quote(_column(key))
    updated = 0
    items = list(values.items())
    for start in range(0, len(items), ROWS_PER_UPDATE):
        batch = items[start : start + ROWS_PER_UPDATE]
        keys = [key.get_db_prep_value(pk, connection) for pk, _ in batch]
        params: list[Any] = []
        for prepared_key, (_, value) in zip(keys, batch, strict=True):
            params += [prepared_key, target.get_db_prep_save(value, connection)]
        case = f"CASE {key_column} {' '.join(['WHEN %s THEN %s'] * len(batch))} END"
        if connection.features.requires_casted_case_in_updates:
            case = f"CAST({case} AS {target.cast_db_type(connection)})"
        sets = [f"{quote(_column(target))} = {case}"]
        for name, value in common.items():
            other = _concrete(model, name)
            sets.append(f"{quote(_column(other))} = %s")
            params.append(other.get_db_prep_save(value, connection))
        where = f"{key_column} IN ({', '.join(['%s'] * len(keys))})"
        with connection.cursor() as cursor:
            cursor.execute(f"UPDATE {quote(meta.db_table)} SET {', '.join(sets)} WHERE {where}", params + keys)
            updated += cursor.rowcount
    return updated
