from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TriageConfig(AppConfig):
    name = "meldpunt.triage"
    verbose_name = _("Triage")

    def ready(self):
        from meldpunt.tickets import registration
        from meldpunt.tickets.clocks import CALENDAR_HOOKS, CLOCK_CLAIMS
        from meldpunt.triage import receivers, tasks
        from meldpunt.triage.weekends import weekend_calendar, weekend_claims

        receivers.connect()
        registration.follow_up_task = tasks.follow_up  # the one follow-up of every registration
        if weekend_calendar not in CALENDAR_HOOKS:
            CALENDAR_HOOKS.append(weekend_calendar)
        if weekend_claims not in CLOCK_CLAIMS:
            CLOCK_CLAIMS.append(weekend_claims)
