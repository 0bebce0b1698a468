"""``meldpunt export organisation ID --format json|csv --out PATH`` (docs/import.md, "Export")."""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from meldpunt.contracts.models import Organisation
from meldpunt.transfer.export import write_json, write_zip


class Command(BaseCommand):
    help = gettext_noop("Export everything an organisation owns as JSON or a zip of CSV files.")

    def add_arguments(self, parser):
        parser.add_argument("what", choices=["organisation"])
        parser.add_argument("id", help=_("the organisation's id, customer number or name"))
        parser.add_argument("--format", choices=["json", "csv"], default="json",
                            help=_("json: one document; csv: a zip with one CSV per table"))
        parser.add_argument("--out", help=_("the file to write (default: standard output for json)"))

    def handle(self, *args, **options):
        organisation = _organisation(options["id"])
        out = options["out"]
        if options["format"] == "csv" and not out:
            raise CommandError(_("--out: a zip needs a file name"), returncode=2)
        try:
            if options["format"] == "json":
                if out:
                    with Path(out).open("w", encoding="utf-8") as stream:
                        write_json(organisation, stream)
                else:
                    write_json(organisation, sys.stdout)
            else:
                with Path(out).open("wb") as stream:
                    write_zip(organisation, stream)
        except OSError as exc:
            raise CommandError(f"--out: {exc.strerror or exc}", returncode=2) from None
        if out:
            self.stderr.write(_("Exported %(organisation)s to %(file)s") % {"organisation": organisation, "file": out})


def _organisation(reference: str) -> Organisation:
    found = Organisation.objects.filter(pk=int(reference)).first() if reference.isdigit() else None
    found = found or Organisation.objects.filter(number=reference).first() or Organisation.objects.filter(name=reference).first()
    if found is None:
        raise CommandError(_("id: no organisation %(reference)r") % {"reference": reference}, returncode=2)
    return found
