from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SatisfactionConfig(AppConfig):
    name = "meldpunt.satisfaction"
    verbose_name = _("Customer satisfaction")

    def ready(self):
        from meldpunt.satisfaction import receivers  # noqa: F401  (adds the rating links to the resolution mail)
