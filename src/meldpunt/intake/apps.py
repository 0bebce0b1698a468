from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntakeConfig(AppConfig):
    name = "meldpunt.intake"
    verbose_name = _("Intake")

    def ready(self):
        from meldpunt.intake import receivers  # noqa: F401  (connects the mail-out receivers)
