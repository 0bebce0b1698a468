"""``meldpunt load_catalogs [FILE.toml ...]``: store catalog versions; changed calendars go
through ``tickets.calendars`` (the one service for calendar changes)."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from meldpunt.contracts.catalog_words import catalog_error_words
from meldpunt.core.catalog import CatalogError
from meldpunt.tickets.calendars import load_catalogs


class Command(BaseCommand):
    help = gettext_noop("Load the three preset catalogs (or the given catalog files) as catalog versions.")

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="*", help=_("catalog TOML files; none = the presets"))

    def handle(self, *args, files, **options):
        try:
            texts = []
            for path in files:
                with open(path, encoding="utf-8") as fh:
                    texts.append((fh.read(), path))
            loads = load_catalogs(texts)
        except CatalogError as exc:
            raise CommandError(catalog_error_words(exc), returncode=2) from None
        except OSError as exc:
            raise CommandError(f"{exc.filename}: {exc.strerror or _('cannot be read')}", returncode=2) from None
        for load in loads:
            version = load.version
            state = _("loaded") if load.created else _("unchanged")
            self.stdout.write(f"{version.vendor:10} {version.version:10} {state}")
            for report in load.reports:
                self.stdout.write("  " + _("calendar %(calendar)s new or changed since the previous version: %(report)s")
                                  % {"calendar": report.calendar, "report": report})
