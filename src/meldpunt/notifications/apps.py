from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "meldpunt.notifications"
    verbose_name = _("Agent notifications")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from meldpunt.notifications import receivers  # models are ready only now

        receivers.connect()
