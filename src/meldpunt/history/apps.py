from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HistoryConfig(AppConfig):
    name = "meldpunt.history"
    verbose_name = _("History from other desks")
    default_auto_field = "django.db.models.BigAutoField"
