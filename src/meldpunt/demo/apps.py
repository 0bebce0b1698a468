from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The demo desk of ``make run`` (``load_demo``, ``demo_logins``). It fills every app, so it
    sits above them all; no app imports it."""

    name = "meldpunt.demo"
    verbose_name = _("Demo")
