from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SuccessConfig(AppConfig):
    name = "meldpunt.success"
    verbose_name = _("Customer success managers")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from meldpunt.success import receivers  # models are ready only now

        receivers.connect()
