from django.core.management.base import BaseCommand

from meldpunt.demo.services import load_demo


class Command(BaseCommand):
    help = "Load the demo desk (staff account, customer organisations, agreements, tickets)."

    def handle(self, *args, **options):
        result = load_demo()
        self.stdout.write(f"demo ready ({result['tickets']} new tickets)")
