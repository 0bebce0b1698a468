from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UpgradesConfig(AppConfig):
    name = "meldpunt.upgrades"
    verbose_name = _("Customer product versions")
    default_auto_field = "django.db.models.BigAutoField"
