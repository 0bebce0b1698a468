from django.core.management.base import BaseCommand, CommandError

from meldpunt.contracts.services import load_catalog_text, load_presets
from meldpunt.core.catalog import CatalogError


class Command(BaseCommand):
    help = "Load the three preset catalogs (or the given catalog files) as catalog versions."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="*", help="catalog TOML files; none = the presets")

    def handle(self, *args, files, **options):
        try:
            if files:
                results = []
                for path in files:
                    with open(path, encoding="utf-8") as fh:
                        results.append(load_catalog_text(fh.read(), path))
            else:
                results = load_presets()
        except CatalogError as exc:
            raise CommandError(str(exc), returncode=2) from None
        except OSError as exc:
            raise CommandError(f"{exc.filename}: {exc.strerror or 'cannot be read'}", returncode=2) from None
        for version, created in results:
            state = "loaded" if created else "unchanged"
            self.stdout.write(f"{version.vendor:10} {version.version:10} {state}")
