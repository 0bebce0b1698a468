"""Rows of an import file, CSV or Excel (.xlsx), as dictionaries keyed by column name.

The first row names the columns; names are read case-insensitively, with spaces, hyphens and
dots read as underscores (``E-mail`` is ``email``; ``Starts on`` is ``starts_on``). CSV may be
separated by commas or semicolons (what Excel writes in a Dutch locale) and is read as UTF-8
(with or without the byte-order mark Excel writes). Row numbers are those a spreadsheet shows:
the header is row 1.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import IO, Any
from zipfile import BadZipFile

from django.utils.translation import gettext as _
from openpyxl import load_workbook

#: Other spellings of a column a person may have in their spreadsheet.
ALIASES = {"e_mail": "email", "mail": "email", "coordinator_email": "coordinator", "add_ons": "addons"}


class FileError(ValueError):
    """The file cannot be read at all (not CSV or .xlsx, no header, ...)."""


@dataclass(frozen=True)
class Sheet:
    columns: list[str]
    rows: list[tuple[int, dict[str, Any]]]  # (row number, values by column)


def column_name(header: Any) -> str:
    name = re.sub(r"[\s.\-]+", "_", str(header or "").strip().lower()).strip("_")
    return ALIASES.get(name, name)


def read_sheet(stream: IO[bytes], filename: str) -> Sheet:
    """The rows of an uploaded or opened file; empty rows are left out."""
    if filename.lower().endswith((".xlsx", ".xlsm")):
        raw_rows = _xlsx_rows(stream)
    elif filename.lower().endswith((".csv", ".txt")):
        raw_rows = _csv_rows(stream)
    else:
        raise FileError(_("%(name)s: give a .csv or .xlsx file") % {"name": filename})
    try:
        header = next(raw_rows)
    except StopIteration:
        raise FileError(_("%(name)s is empty") % {"name": filename}) from None
    columns = [column_name(h) for h in header]
    if not any(columns):
        raise FileError(_("%(name)s: the first row must name the columns") % {"name": filename})
    rows = []
    for number, values in enumerate(raw_rows, start=2):
        if all(v is None or str(v).strip() == "" for v in values):
            continue
        rows.append((number, {c: v for c, v in zip(columns, values, strict=False) if c}))
    return Sheet([c for c in columns if c], rows)


def _csv_rows(stream: IO[bytes]) -> Iterator[list[str]]:
    try:
        text = stream.read().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FileError(_("The CSV file is not UTF-8; save it as \"CSV UTF-8\".")) from None
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    yield from csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)


def _xlsx_rows(stream: IO[bytes]) -> Iterator[list[Any]]:
    try:
        book = load_workbook(stream, read_only=True, data_only=True)
    except (BadZipFile, KeyError, ValueError, OSError):
        raise FileError(_("The file is not an Excel workbook (.xlsx).")) from None
    try:
        for values in book.worksheets[0].iter_rows(values_only=True):
            yield [_cell(v) for v in values]
    finally:
        book.close()


def _cell(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.date() if value.time() == datetime.min.time() else value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()
