"""What the catalog file's reader mixins need from the reader they are mixed into.

:class:`~meldpunt.core.catalog_triage.TriageReader` and
:class:`~meldpunt.core.catalog_escalation.EscalationReader` read parts of a catalog file
but report bad data through the loader's reader (``catalog_loader._Reader``: the file,
the field as a dotted path, the reason and the line). They subclass this Protocol, so a
type checker knows these methods exist and checks that the reader's own match them.
"""

from __future__ import annotations

from typing import Any, Protocol

from meldpunt.core.catalog import CatalogError


class FieldReader(Protocol):
    def fail(self, field: str, reason: str, code: str = "", **params: object) -> CatalogError:
        """The error to raise for ``field`` (a dotted path such as ``coverage.areas[2].name``).
        Without a ``code``, ``reason`` is an English template marked with
        :func:`meldpunt.core.marks.gettext_noop` and filled from ``params`` (``%%`` for a percent
        sign); the app words it in the reader's language."""
        ...

    def fail_from(self, field: str, error: ValueError) -> CatalogError:
        """The error to raise for ``field`` when a parser the reader called refused it."""
        ...

    def table(self, data: Any, field: str) -> dict:
        """``data`` when it is a table."""
        ...

    def tables(self, data: Any, field: str, hint: str = "") -> list[tuple[str, dict]]:
        """An array of tables, each with its own field name (``field[2]``)."""
        ...

    def need(self, data: dict, key: str, field: str, kind: type | tuple = str) -> Any:
        """``data[key]``, which must be there and of ``kind``."""
        ...

    def names(self, data: Any, field: str) -> dict[str, str]:
        """A text, or a table of texts per language."""
        ...

    def string_list(self, data: Any, field: str, allowed: Any = None) -> list[str]:
        """A list of strings, each in ``allowed`` when given."""
        ...
