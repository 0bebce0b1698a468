"""``meldpunt catalog check FILE`` / ``diff OLD NEW`` / ``schema``: catalog files without a database.

``check`` loads a file as the service would (presets by name too) and prints what the loader
understood: calendars with their hours and holidays, the priority scheme, each package with
its target table per priority. ``diff`` prints what a new version changes (docs/catalogs.md,
"Checking a catalog"). ``schema`` prints the JSON Schema editors use. A file the loader
refuses is one line on stderr naming file, line, field and reason, and exits 2, like every
bad argument of the ``meldpunt`` command.
"""

from __future__ import annotations

import argparse
import json
from importlib import resources

from django.utils import translation
from django.utils.translation import gettext as _

from meldpunt.cli_words import argparse_words, cli_language
from meldpunt.contracts.catalog_summary import catalog_summary
from meldpunt.contracts.catalog_words import catalog_error_words, fact_words
from meldpunt.core.catalog import CatalogError
from meldpunt.core.catalog_loader import load_catalog
from meldpunt.core.catalog_report import diff

SCHEMA = "catalog.schema.json"


def schema_text() -> str:
    return resources.files("meldpunt.catalogs").joinpath(SCHEMA).read_text("utf-8")


def _parser(error):
    parser = argparse.ArgumentParser(prog="meldpunt catalog", description=_("Check, compare and describe catalog files."))
    sub = parser.add_subparsers(dest="action", metavar="{check,diff,schema}", required=True)
    check = sub.add_parser("check", prog="meldpunt catalog check",
                           help=_("validate a catalog file and print what it says"),
                           description=_("Validate a catalog file (or a preset: invantive, infor, erpm) and print "
                                         "its calendars, priority scheme, packages and target tables."))
    check.add_argument("file", metavar="FILE")
    check.add_argument("--language", choices=("en", "nl"), help=_("default: the shell's (LANG), else en"))
    compare = sub.add_parser("diff", prog="meldpunt catalog diff", help=_("what a new version of a catalog changes"),
                             description=_("Print what NEW changes against OLD: + added, - removed, ~ changed, and "
                                           "the closed days a holiday change adds or removes. Exit 0 when nothing "
                                           "changed, 1 when something did."))
    compare.add_argument("old", metavar="OLD")
    compare.add_argument("new", metavar="NEW")
    compare.add_argument("--years", metavar="FROM-TO", help=_("years to compare closed days for (default: this year and four more)"))
    sub.add_parser("schema", prog="meldpunt catalog schema", help=_("print the JSON Schema of catalog files"),
                   description=_("Print the JSON Schema of catalog files, for editors (docs/catalogs.md)."))
    for p in (parser, check, compare):
        p.error = error  # type: ignore[method-assign]
    return parser


def _load(name: str, usage_error):
    try:
        return load_catalog(name)
    except CatalogError as exc:
        raise usage_error(catalog_error_words(exc)) from None


def _years(text: str | None, usage_error) -> range | None:
    if text is None:
        return None
    first, _sep, last = text.partition("-")
    try:
        years = range(int(first), int(last or first) + 1)
    except ValueError:
        raise usage_error(_("--years: %(text)r is not a range such as 2026-2030") % {"text": text}) from None
    if not years or years[0] < 1900 or years[-1] > 2200 or len(years) > 50:
        raise usage_error(_("--years: %(text)r must be at most 50 years within 1900-2200") % {"text": text})
    return years


def catalog(argv: list[str], usage_error) -> int:
    """Run one of the actions; ``usage_error`` is the command's one-line error (exit 2)."""

    def error(message: str):
        raise usage_error(argparse_words(message))

    args = _parser(error).parse_args(argv)
    if args.action == "schema":
        json.loads(schema_text())  # the shipped file is JSON
        print(schema_text(), end="")
        return 0
    if args.action == "check":
        parsed = _load(args.file, usage_error)
        language = args.language or cli_language(argv)
        for line in catalog_summary(parsed, language):
            print(line)
        with translation.override(language):
            print("\n" + _("OK: %(file)s is a valid catalog.") % {"file": args.file})
        return 0
    years = _years(args.years, usage_error)
    old, new = _load(args.old, usage_error), _load(args.new, usage_error)
    if old.id != new.id:
        print(_("Note: the vendor id changes (%(old)s → %(new)s); a catalog version belongs to one vendor.")
              % {"old": old.id, "new": new.id})
    changes = diff(old, new, years, fact_words)
    for line in changes:
        print(line)
    if not changes:
        print(_("No changes a customer or agent would notice."))
    return 1 if changes else 0
