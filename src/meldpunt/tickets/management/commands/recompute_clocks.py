"""``meldpunt recompute_clocks --vendor erpm --calendar workdays [--day 2026-12-24 ...]``."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from meldpunt.tickets.calendars import CalendarError, calendar_changed, check_calendar


class Command(BaseCommand):
    help = gettext_noop("Recompute the open clocks of a calendar in bulk (after a closed-day edit); says how many moved.")

    def add_arguments(self, parser):
        parser.add_argument("--vendor", required=True)
        parser.add_argument("--calendar", required=True)
        parser.add_argument("--day", action="append", default=[], help=_("only clocks that can span this day (ISO date)"))

    def handle(self, *, vendor, calendar, day, **options):
        try:
            days = [date.fromisoformat(d) for d in day]
        except ValueError:
            wrong = next(d for d in day if not _is_date(d))
            raise CommandError(_("--day: %(text)r is not a date such as 2026-12-24") % {"text": wrong},
                               returncode=2) from None
        try:
            check_calendar(vendor, calendar)
        except CalendarError as exc:
            raise CommandError(str(exc), returncode=2) from None
        # the reason is stored with the recompute: English whatever the shell's language (issue 21)
        self.stdout.write(str(calendar_changed(vendor=vendor, calendar=calendar, days=days or None,
                                               reason=f"clocks of calendar {calendar} recomputed")))


def _is_date(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True
