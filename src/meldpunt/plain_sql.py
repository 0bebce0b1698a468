"""Model instances from a plain SELECT, for the few lookups on the API's hot path.

Django builds and compiles a queryset's SQL on every evaluation; for a small lookup that costs
more CPU than PostgreSQL spends answering it (docs/scale.md). A selector that runs on every
API call may instead write its SELECT by hand (``cursor.execute`` with parameters) and turn
each model's columns into an instance with Django's public means: :meth:`Model.from_db`,
each field's database converters (the same ones a queryset applies: dates and booleans on
SQLite, JSON, ...) and related objects assigned through their descriptors.

Nothing here is cached but the column lists and converters per model and database alias,
which follow from code alone: no state, nothing that can go stale.
"""

from __future__ import annotations

from functools import lru_cache

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model


def columns(model: type[Model], alias: str, using: str = DEFAULT_DB_ALIAS) -> str:
    """``alias."col", ...`` for every concrete field of ``model``, in field order."""
    quote = connections[using].ops.quote_name
    return ", ".join(f"{alias}.{quote(f.column)}" for f in model._meta.concrete_fields)


def width(model: type[Model]) -> int:
    """How many columns :func:`columns` selects for ``model``."""
    return len(model._meta.concrete_fields)


def instance(model: type[Model], row, start: int = 0, using: str = DEFAULT_DB_ALIAS) -> Model | None:
    """The ``model`` whose columns (as :func:`columns` lists them) begin at ``row[start]``;
    None when its primary key is NULL (an outer join found nothing)."""
    names, converters = _loading(model, using)
    values = list(row[start:start + len(names)])
    if values[names.index(model._meta.pk.attname)] is None:
        return None
    return model.from_db(using, names, _convert(values, converters, using))


def converters(model: type[Model], names: tuple[str, ...], using: str = DEFAULT_DB_ALIAS):
    """A function that turns the raw values of ``model``'s fields ``names`` (selected in that
    order) into what a queryset's ``values_list`` would give: the same database converters."""
    steps = _values_loading(model, names, using)
    return lambda values: _convert(list(values), steps, using)


class _Converters(list):
    """A field's converters, with the column expression they are called with."""

    def __init__(self, converters, expression):
        super().__init__(converters)
        self.expression = expression


def _converters_of(model: type[Model], fields, using: str) -> list[tuple[int, _Converters]]:
    """(position, converters) of each of ``fields`` that has any on the database ``using``."""
    connection = connections[using]
    found = []
    for i, field in enumerate(fields):
        expression = field.get_col(model._meta.db_table)
        steps = connection.ops.get_db_converters(expression) + expression.get_db_converters(connection)
        if steps:
            found.append((i, _Converters(steps, expression)))
    return found


def _convert(values: list, converters: list[tuple[int, _Converters]], using: str) -> list:
    connection = connections[using]  # this thread's: the cached converters hold none
    for i, field_converters in converters:
        for convert in field_converters:
            values[i] = convert(values[i], field_converters.expression, connection)
    return values


@lru_cache(maxsize=64)
def _loading(model: type[Model], using: str) -> tuple[list[str], list[tuple[int, _Converters]]]:
    fields = model._meta.concrete_fields
    return [f.attname for f in fields], _converters_of(model, fields, using)


@lru_cache(maxsize=64)
def _values_loading(model: type[Model], names: tuple[str, ...], using: str) -> list[tuple[int, _Converters]]:
    return _converters_of(model, [model._meta.get_field(name) for name in names], using)
