from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TransferConfig(AppConfig):
    """Import of organisations, contacts and agreements; export of all an organisation owns."""

    name = "meldpunt.transfer"
    verbose_name = _("Import and export")
