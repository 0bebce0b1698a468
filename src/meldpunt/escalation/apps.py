from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EscalationConfig(AppConfig):
    name = "meldpunt.escalation"
    verbose_name = _("Escalation and background jobs")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from meldpunt.escalation import receivers  # models are ready only now

        receivers.connect()
