"""``meldpunt closed_day --vendor erpm --calendar workdays --add 2026-12-24 --reason "Christmas Eve"``
(or ``--remove 2026-12-24``): the command-line twin of the admin's closed days. The open clocks
on that calendar move before the command returns (``tickets.calendars``)."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from meldpunt.contracts.models import ClosedDay
from meldpunt.tickets.calendars import CalendarError, delete_closed_day, save_closed_day


class Command(BaseCommand):
    help = gettext_noop("Add or remove a vendor's closed day on a calendar; the open clocks on it move at once.")

    def add_arguments(self, parser):
        parser.add_argument("--vendor", required=True)
        parser.add_argument("--calendar", required=True)
        action = parser.add_mutually_exclusive_group(required=True)
        action.add_argument("--add", metavar="DATE", help=_("close this day (ISO date)"))
        action.add_argument("--remove", metavar="DATE", help=_("open this day again (ISO date)"))
        parser.add_argument("--reason", default="", help=_("why the desk is closed (shown in explanations)"))

    def handle(self, *, vendor, calendar, add, remove, reason, **options):
        text = add or remove
        try:
            day = date.fromisoformat(text)
        except ValueError:
            raise CommandError(_("--%(option)s: %(text)r is not a date such as 2026-12-24")
                               % {"option": "add" if add else "remove", "text": text}, returncode=2) from None
        try:
            if add:
                if not reason.strip():
                    raise CommandError(_("--reason: say why the desk is closed (it shows in explanations)"), returncode=2)
                closed = ClosedDay.objects.filter(vendor=vendor, calendar=calendar, date=day).first()
                closed = closed or ClosedDay(vendor=vendor, calendar=calendar, date=day)
                closed.reason = reason.strip()[:200]
                reports = save_closed_day(closed)
            else:
                closed = ClosedDay.objects.filter(vendor=vendor, calendar=calendar, date=day).first()
                if closed is None:
                    raise CommandError(_("--remove: %(vendor)s:%(calendar)s has no closed day on %(day)s") % {
                        "vendor": vendor, "calendar": calendar, "day": day.isoformat()}, returncode=2)
                reports = delete_closed_day(closed)
        except CalendarError as exc:
            raise CommandError(str(exc), returncode=2) from None
        for report in reports:
            self.stdout.write(str(report))
