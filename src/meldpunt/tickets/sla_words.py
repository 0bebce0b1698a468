"""An SLA explanation in the reader's language: the core's :class:`meldpunt.core.sla.Line` s
worded through gettext, moments and days through :mod:`meldpunt.localformat`
("maandag 30 november 2026 09:00" / "Monday 30 November 2026 09:00", in the calendar's
zone), business time as "2h 30m" / "2u 30m", a calendar's hours through
:mod:`meldpunt.contracts.hours_words`.

No models here: the ``meldpunt deadline`` command words its explanation with it too.
Two lines are the app's own: ``switched`` (``text``: a calendar hook's words, e.g. the
special-event weekend) and ``indicative`` (a catalog's indicative time).
"""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from meldpunt.contracts.hours_words import describe_hours
from meldpunt.core.due import Target
from meldpunt.core.sla import Line
from meldpunt.localformat import weekday_day, zoned_moment

#: A clock's metric in a label ("resolution, Priority A").
METRIC_WORDS = {"response": gettext_lazy("response"), "resolution": gettext_lazy("resolution")}


def span_words(seconds: int, language: str | None = None) -> str:
    """Business time as ``2h 30m`` (``2u 30m``); ``0m`` for nothing."""
    with translation.override(language or translation.get_language()):
        hours, minutes = divmod(abs(seconds) // 60, 60)
        parts = [_("%(hours)sh") % {"hours": hours}] if hours else []
        if minutes or not hours:
            parts.append(_("%(minutes)sm") % {"minutes": minutes})
        return " ".join(parts)


def target_words(target: Target, language: str | None = None) -> str:
    """``2 business hours`` / ``2 werkuren``; ``by planning`` / ``in overleg met planning``."""
    with translation.override(language or translation.get_language()):
        n = target.amount
        if target.by_planning:
            return _("by planning")
        if target.unit == "m":
            return ngettext("%(count)s business minute", "%(count)s business minutes", n) % {"count": n}
        if target.unit == "h":
            return ngettext("%(count)s business hour", "%(count)s business hours", n) % {"count": n}
        return ngettext("%(count)s business day", "%(count)s business days", n) % {"count": n}


def explanation_words(lines: list[Line], language: str) -> list[str]:
    """Each line of an explanation as a sentence in ``language``."""
    with translation.override(language):
        return [_line(line, language) for line in lines]


def _line(line: Line, language: str) -> str:
    p = dict(line.params)
    for key in ("at", "start", "end", "since"):
        if key in p:
            p[key] = zoned_moment(p[key], language)
    if "seconds" in p:
        p["span"] = span_words(p["seconds"], language)
    code = line.code
    if code.startswith("target"):
        return _target(code, p, language)
    if code == "calendar":
        p["description"] = describe_hours(p["weekly"], p["holidays"], language)
        return _("Calendar: %(name)s (%(description)s), time zone %(zone)s") % p
    if code == "received":
        return _("Received %(at)s within service hours; the clock starts at once") % p
    if code == "received_outside":
        return _("Received %(at)s outside service hours; the clock starts at the next opening, %(start)s") % p
    if code == "planned":
        return _("By planning: the agent planned %(at)s") % p
    if code == "unplanned":
        return _("By planning: no automatic due until an agent plans a date")
    if code == "skipped":
        p["day"] = weekday_day(p["day"], language)
        if p["kind"] == "holiday":
            return _("Skipped holiday: %(day)s, %(name)s") % p
        return (_("Skipped closed day: %(day)s, %(name)s") if p["name"] else _("Skipped closed day: %(day)s")) % p
    if code == "paused":
        return _("Paused %(start)s – %(end)s: %(span)s of business time not counted") % p
    if code == "paused_open":
        return _("Paused since %(since)s: the clock stands still until the customer answers") % p
    if code == "due":
        return _("Due: %(at)s (the earliest moment the business time has passed)") % p
    if code == "indicative":
        return _("Indicative time (catalog): not a hard target, never escalated or counted as a breach")
    if code == "switched":
        return p["text"]
    raise ValueError(f"no words for explanation line {code!r}")


def _target(code: str, p: dict, language: str) -> str:
    p["head"] = _("Target (%(label)s)") % p if p["label"] else _("Target")
    p["days"], p["target"] = p["target"].amount, target_words(p["target"], language)
    if code == "target_planning":
        return _("%(head)s: %(target)s") % p
    if code == "target_days":
        p["per_day"] = span_words(p["per_day"], language)
        return _("%(head)s: %(target)s (%(days)s × %(per_day)s = %(span)s business time)") % p
    if code == "target_service_days":
        return _("%(head)s: %(target)s (same position in the service day %(days)s service days later, "
                 "%(span)s of business time)") % p
    return _("%(head)s: %(target)s (%(span)s business time)") % p
