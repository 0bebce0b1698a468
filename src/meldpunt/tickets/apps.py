from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TicketsConfig(AppConfig):
    name = "meldpunt.tickets"
    verbose_name = _("Tickets")

    def ready(self) -> None:
        from meldpunt.tickets import ranks, search_receivers

        search_receivers.connect()
        ranks.connect()
