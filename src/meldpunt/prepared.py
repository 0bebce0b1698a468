"""Querysets compiled to SQL once per database connection and run again with new values.

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
"""

from __future__ import annotations

import copy
import weakref
from collections.abc import Callable
from typing import NamedTuple

from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import QuerySet

KINDS = (str, int)


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
        compiled = self._compiled.get(connection) or self._compile(connection)
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
        compiled = _Compiled(queryset, compiler, sql, params, slots)
        self._compiled[connection] = compiled
        return compiled
