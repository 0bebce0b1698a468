"""Querysets (and plain inserts) compiled to SQL once per database connection and run again
with new values.

Django turns a queryset into SQL every time it is evaluated. For the small lookups on the
API's hot path (the bearer token with its user, the agreement a request is registered on,
its add-ons, a calendar's closed days) building and compiling the queryset costs more CPU
than the database spends answering it: about two thirds of each lookup (see docs/scale.md).

A :class:`PreparedQuery` builds its queryset once with placeholder values, compiles it once
per connection, and on each call runs that SQL with the caller's values. The rows still go
through Django's own iterable (model instances, ``select_related`` objects, the backend's
converters, ``values_list`` tuples), so callers get exactly what the queryset would give.

Only parameters that reach the SQL unchanged can be placeholders: ``exact`` lookups on text
and integer columns (declared as ``str`` or ``int``). Compiling checks that every placeholder
landed in the parameters, so a lookup that rewrites its value fails loudly, never silently.
The compiled SQL is derived from code alone, never from data, so caching it keeps no state.

A :class:`PreparedInsert` does for the rows the API writes per request (ticket, clocks,
event) what ``bulk_create`` does, with the statement built once per row count: each field's
``pre_save`` (``auto_now``) and database value as Django prepares them, and the new primary
keys from ``RETURNING``. Like ``bulk_create`` it sends no ``pre_save``/``post_save`` signals.
"""

from __future__ import annotations

import copy
import weakref
from collections.abc import Callable
from typing import NamedTuple

from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import AutoField, Model, QuerySet

KINDS = (str, int)


def _per_connection(cache: weakref.WeakKeyDictionary, connection, make: Callable):
    """What ``make(connection)`` built for this connection, built on first use. Connections are
    per thread, so no two threads share an entry; one that is gone takes its entry along."""
    found = cache.get(connection)
    if found is None:
        found = cache[connection] = make(connection)
    return found


class _Compiled(NamedTuple):
    queryset: QuerySet  # the template, never evaluated
    compiler: object  # compiled once: holds select, klass_info, col_count
    sql: str
    params: tuple
    slots: dict[str, tuple[int, ...]]  # placeholder name -> positions in params


class PreparedQuery:
    """``build(**placeholders)`` returns the queryset; ``kinds`` names each placeholder's type.

    ``PreparedQuery(lambda code: Agreement.objects.filter(code=code)[:1], code=str)``, then
    ``query.first(code="ERPM-2026-0042")`` or ``query.all(code=...)``."""

    def __init__(self, build: Callable[..., QuerySet], using: str = DEFAULT_DB_ALIAS, **kinds: type):
        if not kinds or any(kind not in KINDS for kind in kinds.values()):
            raise ImproperlyConfigured("PreparedQuery placeholders are keyword=str or keyword=int")
        self._build, self._using, self._kinds = build, using, kinds
        self._compiled: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

    def all(self, **values) -> list:
        """The rows for ``values``, as the queryset would give them."""
        if values.keys() != self._kinds.keys():
            raise TypeError(f"expected values for {', '.join(self._kinds)}")
        connection = connections[self._using]
        compiled = _per_connection(self._compiled, connection, self._compile)
        params = list(compiled.params)
        for name, positions in compiled.slots.items():
            for position in positions:
                params[position] = values[name]
        compiler = copy.copy(compiled.compiler)
        bound = (compiled.sql, tuple(params))
        compiler.as_sql = lambda *args, **kwargs: bound
        queryset = compiled.queryset._chain()
        queryset.query.get_compiler = lambda *args, **kwargs: compiler
        return list(queryset)

    def first(self, **values):
        """The first row for ``values``, or None (no ORDER BY is added: order or slice in ``build``)."""
        rows = self.all(**values)
        return rows[0] if rows else None

    def _compile(self, connection) -> _Compiled:
        sentinels = {
            name: f"\x00prepared-{name}\x00" if kind is str else -(2**62) - index
            for index, (name, kind) in enumerate(self._kinds.items())
        }
        queryset = self._build(**sentinels)
        if queryset._prefetch_related_lookups:
            raise ImproperlyConfigured("PreparedQuery runs one statement: no prefetch_related")
        compiler = queryset.query.get_compiler(using=self._using, connection=connection)
        sql, params = compiler.as_sql()
        params = tuple(params)
        slots = {}
        for name, sentinel in sentinels.items():
            positions = tuple(i for i, p in enumerate(params) if type(p) is type(sentinel) and p == sentinel)
            if not positions:
                raise ImproperlyConfigured(f"placeholder {name!r} does not reach the SQL unchanged: {sql}")
            slots[name] = positions
        return _Compiled(queryset, compiler, sql, params, slots)


class PreparedInsert:
    """``PreparedInsert(Clock).insert(*clocks)``: one INSERT for new rows of ``model``."""

    def __init__(self, model: type[Model], using: str = DEFAULT_DB_ALIAS):
        meta = model._meta
        if meta.parents or not isinstance(meta.pk, AutoField):
            raise ImproperlyConfigured("PreparedInsert writes plain models with an automatic primary key")
        self._model, self._using = model, using
        self._fields = [f for f in meta.concrete_fields if f is not meta.pk]
        self._statements: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

    def insert(self, *objs: Model) -> None:
        """Write ``objs`` (new, without a primary key) and give each its primary key."""
        if not objs:
            return
        connection = connections[self._using]
        statements = _per_connection(self._statements, connection, lambda _: {})  # row count -> SQL
        sql = statements.get(len(objs)) or statements.setdefault(len(objs), self._sql(connection, len(objs)))
        params = []
        for obj in objs:
            if obj.pk is not None or not isinstance(obj, self._model):
                raise ValueError(f"PreparedInsert writes new {self._model.__name__} rows only")
            params.extend(f.get_db_prep_save(f.pre_save(obj, True), connection) for f in self._fields)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            keys = cursor.fetchall()
        for obj, (key,) in zip(objs, keys, strict=True):
            obj.pk = key
            obj._state.adding, obj._state.db = False, self._using

    def _sql(self, connection, rows: int) -> str:
        if not connection.features.can_return_rows_from_bulk_insert:  # PostgreSQL and SQLite can
            raise ImproperlyConfigured(f"{connection.vendor} cannot return the keys of a multi-row INSERT")
        quote = connection.ops.quote_name
        row = f"({', '.join(['%s'] * len(self._fields))})"
        return (f"INSERT INTO {quote(self._model._meta.db_table)} "
                f"({', '.join(quote(f.column) for f in self._fields)}) VALUES {', '.join([row] * rows)} "
                f"RETURNING {quote(self._model._meta.pk.column)}")
