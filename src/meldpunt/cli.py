"""The ``meldpunt`` command (DESIGN.md, "The meldpunt command contract").

``meldpunt deadline ...`` runs on the pure core (no database); ``meldpunt ingest-mail``
registers mail files; anything else is a Django management command, spelled with hyphens or
underscores (``meldpunt invoice-run``, ``meldpunt migrate``, ``meldpunt db_worker`` ...).
``meldpunt``, ``meldpunt help`` and ``meldpunt --help`` list Meldpunt's commands with one line
each, read from the command modules without loading settings.
Bad input exits 2 with one line on stderr naming the bad argument, never a traceback; so
does a configuration the settings refuse (no real secret key with DEBUG off, docs/deploy.md).
The line is in the command's language (``--language``, else the shell's ``LANG``;
:mod:`meldpunt.cli_words`).
"""

from __future__ import annotations

import argparse
import ast
import difflib
import json
import os
import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from meldpunt.cli_words import _, argparse_words, cli_language, gettext_noop
from meldpunt.contracts.catalog_words import catalog_error_words, not_in_catalog_words, target_error_words
from meldpunt.core.businesstime import FIRST_YEAR, LAST_YEAR, Calendar, OutOfRange, always_open
from meldpunt.core.calendars import build_calendar
from meldpunt.core.catalog import CatalogError
from meldpunt.core.catalog_loader import load_catalog
from meldpunt.core.due import TargetError
from meldpunt.core.priority import PriorityError, assign_priority
from meldpunt.core.sla import Pause, Target, compute_deadline

#: Long-running processes: their logs go to stdout (docs/deploy.md). Every other command logs
#: to stderr, so that what it prints on stdout (``ingest-mail --json``, ``check``) is its own.
SERVICES = frozenset({"serve", "worker", "db_worker", "scheduler", "mail_intake", "runserver"})
#: Commands that do other people's work in this process (the task worker's jobs, mail intake):
#: that work words its texts for its own readers, so once its command line is checked such a
#: command runs in the desk's language (``settings.LANGUAGE_CODE``), not the shell's. Every
#: other command runs wholly in the command's language (:func:`manage`).
WORKS_FOR_OTHERS = frozenset({"worker", "db_worker", "mail_intake"})


class UsageError(Exception):
    """One line for stderr; exit status 2."""


def _load_settings() -> None:
    """Load the Django settings now, so that one they refuse is one line, not a traceback."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "meldpunt.settings")
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured

    try:
        settings.INSTALLED_APPS  # noqa: B018 - imports the settings module
    except ImproperlyConfigured as exc:
        raise UsageError(str(exc)) from None


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # argparse would print the usage block; we print one line
        raise UsageError(argparse_words(message))


def _deadline_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="meldpunt deadline", description=_("When is a clock due, and why?"))
    p.add_argument("--catalog", help=_("invantive, infor, erpm or the path of a catalog file"))
    p.add_argument("--package")
    p.add_argument("--addon", action="append", default=[])
    p.add_argument("--priority")
    p.add_argument("--impact")
    p.add_argument("--urgency")
    p.add_argument("--kind", help=_("a request kind of the catalog (default incident)"))
    p.add_argument("--metric", choices=("response", "resolution"))
    p.add_argument("--calendar", help=_("24x7 or CATALOG:CALENDAR"))
    p.add_argument("--target", help=_("90m, 2h, 3bd"))
    p.add_argument("--received", required=True, help=_("ISO 8601; without offset it is the calendar's local time"))
    p.add_argument("--pause", action="append", default=[], help=_("FROM/TO, ISO 8601"))
    p.add_argument("--language", choices=("en", "nl"), help=_("default: the shell's (LANG), else en"))
    p.add_argument("--json", action="store_true")
    return p


def _moment(text: str, zone: ZoneInfo, arg: str) -> datetime:
    try:
        value = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise UsageError(_("%(arg)s: %(text)r is not an ISO 8601 date and time") % {"arg": arg, "text": text}) from None
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise UsageError(_("%(arg)s: %(year)s is outside the years %(first)s–%(last)s that calendars cover")
                         % {"arg": arg, "year": value.year, "first": FIRST_YEAR, "last": LAST_YEAR})
    return value if value.tzinfo else value.replace(tzinfo=zone)


def _pauses(items: list[str], zone: ZoneInfo) -> list[Pause]:
    pauses = []
    for item in items:
        if "/" not in item:
            raise UsageError(_("--pause: %(item)r must be FROM/TO") % {"item": item})
        a, b = item.split("/", 1)
        start, end = _moment(a, zone, "--pause"), _moment(b, zone, "--pause")
        if end <= start:
            raise UsageError(_("--pause: %(item)r ends before it starts") % {"item": item})
        pauses.append(Pause(start, end))
    return pauses


def _calendar_form(args, language: str) -> tuple[Calendar, Target, str | None, str]:
    for name in ("catalog", "package", "addon", "priority", "impact", "urgency", "kind", "metric"):
        if getattr(args, name):
            raise UsageError(_("--%(name)s: not used with --calendar; give --target instead") % {"name": name})
    if not args.target:
        raise UsageError(_("--target: required with --calendar (e.g. 90m, 2h, 3bd)"))
    try:
        target = Target.parse(args.target)
    except TargetError as exc:
        raise UsageError(f"--target: {target_error_words(exc)}") from None
    if target.by_planning:
        calendar = always_open()
    elif args.calendar == "24x7":
        calendar = always_open()
    elif ":" in args.calendar:
        cat_name, cal_id = args.calendar.split(":", 1)
        catalog = _catalog(cat_name, "--calendar")
        try:
            calendar = build_calendar(catalog.calendar(cal_id), language=language)
        except KeyError as exc:
            raise UsageError(f"--calendar: {not_in_catalog_words(exc)}") from None
    else:
        raise UsageError(_("--calendar: %(calendar)r must be 24x7 or CATALOG:CALENDAR") % {"calendar": args.calendar})
    return calendar, target, None, ""


def _catalog(name: str, arg: str):
    try:
        return load_catalog(name)
    except CatalogError as exc:
        raise UsageError(f"{arg}: {catalog_error_words(exc)}") from None


def _catalog_form(args, language: str) -> tuple[Calendar, Target | None, str, str]:
    if args.target:
        raise UsageError(_("--target: only with --calendar; with --catalog the target comes from the catalog"))
    for name in ("package", "metric"):
        if not getattr(args, name):
            raise UsageError(_("--%(name)s: required with --catalog") % {"name": name})
    catalog = _catalog(args.catalog, "--catalog")
    if args.package not in catalog.packages:
        raise UsageError(_("--package: catalog %(catalog)s has no package %(package)r; packages: %(packages)s")
                         % {"catalog": catalog.id, "package": args.package, "packages": ", ".join(catalog.packages)})
    try:
        catalog.addon_list(args.addon, args.package)
    except KeyError as exc:
        raise UsageError(f"--addon: {not_in_catalog_words(exc)}") from None
    args.kind = args.kind or "incident"
    if args.kind not in catalog.kinds:
        raise UsageError(_("--kind: catalog %(catalog)s takes %(kinds)s") % {"catalog": catalog.id, "kinds": ", ".join(catalog.kinds)})
    if (args.impact is None) != (args.urgency is None):
        raise UsageError(_("--impact: give --impact and --urgency together"))
    if args.priority and args.impact:
        raise UsageError(_("--priority: give either --priority or --impact/--urgency"))
    scheme = catalog.priority
    if args.impact and scheme.scheme != "matrix":
        raise UsageError(_("--impact: catalog %(catalog)s has priority categories (%(levels)s), not impact × "
                           "urgency; give --priority") % {"catalog": catalog.id, "levels": ", ".join(scheme.levels)})
    fixed = {"kind": args.kind, "level": scheme.fixed.get(args.kind), "catalog": catalog.id}
    if args.impact and args.kind in scheme.fixed:
        raise UsageError(_("--impact: a %(kind)s is always priority %(level)s in catalog %(catalog)s") % fixed)
    if args.priority and args.kind in scheme.fixed and args.priority != scheme.fixed[args.kind]:
        raise UsageError(_("--priority: a %(kind)s is always priority %(level)s in catalog %(catalog)s") % fixed)
    try:
        decision = assign_priority(scheme, args.kind, impact=args.impact, urgency=args.urgency, requested=args.priority)
    except PriorityError as exc:
        from meldpunt.tickets.priority_words import PRIORITY_ERRORS

        arg = {"level": "--priority", "urgency": "--urgency"}.get(exc.code, "--impact")
        raise UsageError(f"{arg}: {PRIORITY_ERRORS[exc.code] % exc.params}") from None
    target = catalog.target_for(args.package, args.addon, args.kind, decision.level, args.metric)
    if target is None:
        raise UsageError(
            _("--metric: catalog %(catalog)s package %(package)s sets no %(metric)s target for a %(kind)s with "
              "priority %(level)s (targets are set per agreement)")
            % {"catalog": catalog.id, "package": args.package, "metric": args.metric, "kind": args.kind,
               "level": decision.level})
    cal_def = catalog.calendar_for(args.package, args.addon, args.kind, decision.level)
    from meldpunt.tickets.sla_words import METRIC_WORDS

    label = f"{METRIC_WORDS[args.metric]}, {scheme.label(decision.level, language)}"
    return build_calendar(cal_def, language=language), target, decision.level, label


def translations() -> None:
    """Make gettext work for the commands that need no database (``deadline``, ``catalog``):
    when Django is not set up yet, only the settings translation needs (the project's
    catalogue, British English dates), so a shell without ``MELDPUNT_SECRET_KEY`` runs them."""
    import django
    from django.apps import apps
    from django.conf import settings

    if apps.ready:
        return
    if not settings.configured:
        settings.configure(USE_I18N=True, USE_TZ=True, LANGUAGE_CODE="en",
                           LOCALE_PATHS=[Path(__file__).parent / "locale"], FORMAT_MODULE_PATH=["meldpunt.formats"])
    django.setup()


def deadline(argv: list[str]) -> int:
    args = _deadline_parser().parse_args(argv)
    translations()
    from django.utils import translation

    args.language = args.language or cli_language(argv)
    with translation.override(args.language):
        return _deadline(args)


def _deadline(args) -> int:
    if bool(args.catalog) == bool(args.calendar):
        raise UsageError(_("--catalog: give either --catalog (with --package) or --calendar (with --target)"))
    language = args.language
    if args.calendar:
        calendar, target, priority, label = _calendar_form(args, language)
    else:
        calendar, target, priority, label = _catalog_form(args, language)
    received = _moment(args.received, calendar.zone, "--received")
    pauses = _pauses(args.pause, calendar.zone)
    try:
        result = compute_deadline(calendar, target, received, pauses, label=label)
    except OutOfRange as exc:
        raise UsageError(f"{'--target' if args.target else '--metric'}: {exc}") from None
    from meldpunt.localformat import zoned_moment
    from meldpunt.tickets.sla_words import explanation_words

    explanation = explanation_words(result.explanation, language)
    if args.json:
        print(json.dumps({
            "due": result.due.isoformat() if result.due else None,
            "priority": priority,
            "target": str(target),
            "calendar": calendar.id,
            "metric": args.metric,
            "started": result.started.isoformat(),
            "state": result.state,
            "explanation": explanation,
        }, ensure_ascii=False))
    else:
        due = (f"{result.due.isoformat()} ({zoned_moment(result.due, language)})" if result.due
               else _("none (by planning)"))
        rows = [(_("Due"), due), (_("Priority"), priority), (_("Target"), str(target)), (_("Calendar"), calendar.id)]
        heading = _("Explanation")
        width = max(len(word) for word in [heading, *(word for word, _value in rows)]) + 2
        for word, value in rows:
            if value:
                print(f"{word + ':':<{width}}{value}")
        print(heading + ":")
        for line in explanation:
            print(f"  - {line}")
    return 0


def ingest_mail(argv: list[str]) -> int:
    """Run raw RFC 5322 files through exactly the code path IMAP intake uses.

    Every file gets one line, in order: ``created``, ``appended``, ``quarantined``,
    ``ignored``, ``held``, ``duplicate`` (a repeat: the ticket it was registered with and
    ``registered_as``) or ``failed`` (the file cannot be read, or nothing could be stored).
    One file's trouble never stops the others. Exit 0 when every file is kept (quarantined
    counts as kept), 2 when a file could not be read, else 1 when one could not be stored."""
    parser = _Parser(prog="meldpunt ingest-mail", description="Register raw mail files (.eml)")
    parser.add_argument("files", nargs="+", metavar="FILE.eml")
    parser.add_argument("--json", action="store_true")
    if HELP_WORDS.intersection(argv):  # the options need no settings (a production host without its key)
        parser.parse_args(argv)
    _load_settings()
    import django
    from django.utils import translation

    django.setup()
    language = cli_language(argv)  # its own lines; the mail it registers is worded for its senders
    with translation.override(language):
        args = parser.parse_args(argv)
    from meldpunt.intake import batch
    from meldpunt.intake.services import ingest

    status = 0
    try:
        with batch.scope():  # the same path as IMAP intake: one send task for the confirmations
            for name in args.files:
                try:
                    with open(name, "rb") as fh:
                        raw = fh.read()
                except OSError as exc:
                    status = 2
                    why = exc.strerror or "cannot be read"
                    with translation.override(language):
                        print(f"meldpunt ingest-mail: {name}: {exc.strerror or _('cannot be read')}", file=sys.stderr)
                        said = _("cannot be read: %(why)s") % {"why": exc.strerror or _("cannot be read")}
                    _print_outcome(name, {"outcome": "failed", "ticket": None, "reason": f"cannot be read: {why}"},
                                   args.json, language, said)
                    continue
                result = ingest(raw, source=name)
                if not result.kept:
                    status = status or 1
                _print_outcome(name, result.as_dict(), args.json, language)
    except Exception as exc:  # the batch's send task could not be queued: the outbox retry sends
        print(f"meldpunt ingest-mail: {type(exc).__name__}: {exc}", file=sys.stderr)
        status = status or 1
    return status


#: What a file's outcome reads as on a terminal (``--json`` gives the code).
OUTCOMES = {"created": gettext_noop("created"), "appended": gettext_noop("appended"),
            "quarantined": gettext_noop("quarantined"), "ignored": gettext_noop("ignored"), "held": gettext_noop("held"),
            "duplicate": gettext_noop("duplicate"), "failed": gettext_noop("failed")}


def _print_outcome(name: str, outcome: dict, as_json: bool, language: str = "en", said: str = "") -> None:
    """One file's line: JSON with the codes and English reason, or words in ``language``
    (``said``: the reason already worded; else the reason as intake gave it)."""
    if as_json:
        print(json.dumps({"file": name, **outcome}, ensure_ascii=False))
        return
    from django.utils import translation

    with translation.override(language):
        ticket = _("ticket #%(number)s") % {"number": outcome["ticket"]} if outcome["ticket"] else _("no ticket")
        word = _(OUTCOMES[outcome["outcome"]]) if outcome["outcome"] in OUTCOMES else outcome["outcome"]
        print(f"{name}: {word}, {ticket} — {said or outcome['reason']}")


#: The commands that are not Django management commands, with their one line.
OWN = {
    "deadline": gettext_noop("When is a clock due, and why? Runs on a catalog file, no database needed."),
    "ingest-mail": gettext_noop("Register raw mail files (.eml) through the path IMAP intake takes."),
    "catalog": gettext_noop("Check a catalog file, compare two versions, or print its JSON Schema; no database needed."),
}
HELP_WORDS = frozenset({"help", "--help", "-h"})


def _first_sentence(text: str) -> str:
    text = " ".join(text.split())
    end = text.find(". ")
    return text if end < 0 else text[: end + 1]


def _help_of(path: Path) -> str:
    """A command module's ``Command.help`` in English (``help = gettext_noop("...")``), read from
    its source so that listing the commands needs neither settings nor a database."""
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "help" for t in node.targets):
            value = node.value
            if isinstance(value, ast.Call) and getattr(value.func, "id", "") == "gettext_noop" and value.args:
                value = value.args[0]
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                return value.value
    return ""


def commands() -> dict[str, str]:
    """Meldpunt's commands, spelled with hyphens (``invoice-run``), each with one line in the
    active language."""
    found = {name: _(line) for name, line in OWN.items()}
    for path in sorted(Path(__file__).parent.glob("*/management/commands/*.py")):
        if not path.name.startswith("_"):
            found[path.stem.replace("_", "-")] = _first_sentence(_(_help_of(path)))
    return dict(sorted(found.items()))


def print_help(argv: list[str] | None = None) -> int:
    """The command list in the command's language (the shell's); Django set up only for
    gettext, so a host without its settings lists them too."""
    translations()
    from django.utils import translation

    with translation.override(cli_language(argv or [])):
        listed = commands()
        width = max(map(len, listed)) + 2
        print(_("usage: meldpunt COMMAND [options]     (meldpunt COMMAND --help: the options of one command)") + "\n")
        print(_("Commands:"))
        for name, line in listed.items():
            print(f"  {name:<{width}}{line}")
        print("\n" + _("Django's own commands work too (migrate, createsuperuser, changepassword, check, collectstatic,"))
        print(_("shell, dbshell, ...): `meldpunt help --django` lists them."))
    return 0


def _one_line_errors(parser, name: str) -> None:
    """argparse prints its usage block and the error; a bad argument is one line here (exit 2)."""

    def error(message: str):
        raise UsageError(argparse_words(message))

    parser.prog = f"meldpunt {name}"
    parser.error = error


def _unknown(name: str, spelled: set[str]) -> UsageError:
    close = difflib.get_close_matches(name.replace("_", "-"), sorted(spelled), n=3)
    hint = _(" (did you mean %(commands)s?)") % {"commands": _(" or ").join(close)} if close else ""
    return UsageError(_("unknown command%(hint)s; `meldpunt help` lists the commands") % {"hint": hint})


def _maybe_a_command(name: str) -> bool:
    """Whether ``name`` is one of Meldpunt's commands or a command module of Django or of an
    installed package (django-tasks-db, axes, ...), found without settings: only a name that is
    none of these is surely a typing error."""
    import django

    if name.replace("_", "-") in commands():
        return True
    packages = Path(django.__file__).parent.parent  # the site-packages Django is installed in
    return any(packages.glob(f"*/management/commands/{name}.py")) or any(
        packages.glob(f"django/**/management/commands/{name}.py"))


def manage(argv: list[str]) -> int:
    """Run a management command as ``manage.py`` would, but with the command contract: a bad
    argument or a refused one (``CommandError``) is one line on stderr, and a usage error
    exits 2; an unknown command names the closest ones. The command runs in the command's
    language (``--language`` where it has one, else the shell's; :data:`WORKS_FOR_OTHERS`
    excepted)."""
    name = argv[0].replace("-", "_")
    if any(word in HELP_WORDS for word in argv[1:]) and not os.environ.get("MELDPUNT_SECRET_KEY"):
        # printing a command's options touches no data: the development profile may load them
        os.environ.setdefault("MELDPUNT_DEBUG", "1")
    try:
        _load_settings()
    except UsageError:  # a refused configuration; first tell a typing error apart
        if not _maybe_a_command(name):
            raise _unknown(name, set(commands())) from None
        raise
    import django
    from django.core.management import get_commands, load_command_class
    from django.core.management.base import CommandError, handle_default_options
    from django.db import connections
    from django.utils import translation

    django.setup()
    language = cli_language(argv)
    with translation.override(language):  # the command line's own one-line errors
        known = get_commands()
        if name not in known:
            raise _unknown(name, {n.replace("_", "-") for n in known} | set(OWN))
        command = load_command_class(known[name], name)
        if command.help:  # Meldpunt's commands mark it with gettext_noop; argparse wants a str
            command.help = _(command.help)
        parser = command.create_parser("meldpunt", name)
        _one_line_errors(parser, name.replace("_", "-"))
        options = parser.parse_args(argv[1:])
    handle_default_options(options)
    values = vars(options)
    args = values.pop("args", ())
    # The command's own texts (refusals, progress, summaries) in the command's language; what a
    # command stores never follows it (stored texts are codes or English, worded when read).
    from django.conf import settings

    try:
        with translation.override(settings.LANGUAGE_CODE if name in WORKS_FOR_OTHERS else language):
            command.execute(*args, **values)
    except CommandError as exc:
        if values.get("traceback"):
            raise
        print(f"meldpunt {argv[0].replace('_', '-')}: {' '.join(str(exc).split())}", file=sys.stderr)
        return exc.returncode
    finally:
        connections.close_all()
    return 0


def django_help() -> int:
    _load_settings()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["meldpunt", "help"])
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    command, rest = (argv[0], argv[1:]) if argv else ("help", [])
    if command == "manage":  # `meldpunt manage migrate`: the same as `meldpunt migrate`
        command, rest = (rest[0], rest[1:]) if rest else ("help", [])
    if command in HELP_WORDS:
        if rest and rest[0] == "--django":
            return django_help()
        if rest:  # `meldpunt help invoice-run`
            command, rest = rest[0], ["--help"]
        else:
            return print_help(rest)
    name = command.replace("-", "_")
    if name not in SERVICES:
        os.environ.setdefault("MELDPUNT_LOG_STREAM", "stderr")
    try:
        if command in ("deadline", "catalog"):  # no database: gettext without the project settings
            translations()
            from django.utils import translation

            with translation.override(cli_language(rest)):
                if command == "deadline":
                    return deadline(rest)
                from meldpunt.cli_catalog import catalog

                return catalog(rest, UsageError)
        if command == "ingest-mail":
            return ingest_mail(rest)
        return manage([command, *rest])
    except UsageError as exc:
        print(f"meldpunt {command.replace('_', '-')}: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
