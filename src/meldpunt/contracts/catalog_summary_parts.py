"""The parts of ``meldpunt catalog check``'s summary that say more than ids and numbers, in
the active language (issue 21): a calendar's holidays, the special-event weekend and the
channels with their contact points. The facts come from the parsed catalog; what the catalog
author wrote (ids, holiday names as the library spells them, weekdays such as ``sat``, dates)
is shown as written. ``meldpunt catalog diff`` keeps comparing the core's English facts
(:mod:`meldpunt.core.catalog_report`)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from meldpunt.core.businesstime import DAY_MINUTES, WEEKDAYS
from meldpunt.core.calendars import CalendarDef
from meldpunt.core.catalog import Catalog
from meldpunt.core.channels import ChannelHours
from meldpunt.core.special_weekend import WeekendRule


def holidays_words(cal: CalendarDef, language: str) -> str:
    """``DE-BY; except Epiphany; plus every year 12-24 Christmas Eve; open on 2027-05-17``."""
    rule = cal.holidays
    if rule is None:
        return _("none")
    parts = [rule.label]
    if rule.categories != ("public",):
        parts.append(_("categories %(names)s") % {"names": ", ".join(rule.categories)})
    if rule.only is not None:
        parts.append(_("only %(names)s") % {"names": ", ".join(sorted(rule.only))})
    if rule.without:
        parts.append(_("except %(names)s") % {"names": ", ".join(sorted(rule.without))})
    if rule.extra:
        days = ", ".join(f"{e.month:02d}-{e.day:02d} {e.name(language)}" for e in rule.extra)
        parts.append(_("plus every year %(days)s") % {"days": days})
    if rule.removed:
        parts.append(_("open on %(days)s") % {"days": ", ".join(d.isoformat() for d in sorted(rule.removed))})
    return "; ".join(parts)


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def weekend_words(rule: WeekendRule) -> list[tuple[str, str]]:
    """The ``[special_weekend]`` table as (label, text) lines."""
    end = rule.start_day * DAY_MINUTES + rule.start_minute + rule.length_minutes
    window = (f"{WEEKDAYS[rule.start_day]} {_hhmm(rule.start_minute)} – "
              f"{WEEKDAYS[(end // DAY_MINUTES) % 7]} {_hhmm(end % DAY_MINUTES)} ({rule.timezone})")
    staffed = ", ".join(f"{_hhmm(a)}–{_hhmm(b)}" for a, b in rule.hours)
    if rule.standard_only:
        products = _("standard only (not when naming: %(words)s; scopes %(scopes)s)") % {
            "words": ", ".join(rule.non_standard_words) or "-", "scopes": ", ".join(rule.non_standard_scopes) or "-"}
    else:
        products = _("all")
    return [
        (pgettext("special weekend", "window"), _("%(window)s, staffed %(hours)s") % {"window": window, "hours": staffed}),
        (pgettext("special weekend", "booking"),
         _("%(count)s per agreement year, at least %(days)s days ahead, granted by entitlement %(entitlement)s")
         % {"count": rule.per_year, "days": rule.notice_days, "entitlement": rule.entitlement}),
        (pgettext("special weekend", "kinds"), ", ".join(sorted(rule.kinds)) if rule.kinds is not None else _("all")),
        (pgettext("special weekend", "priorities"),
         ", ".join(sorted(rule.priorities)) if rule.priorities is not None else _("all")),
        (pgettext("special weekend", "products"), products),
        (pgettext("special weekend", "language"), rule.language or _("the customer's")),
    ]


def _scope(item: object, keys: tuple[str, ...]) -> list[str]:
    words = {"packages": _("packages %(names)s"), "addons": _("add-ons %(names)s"), "kinds": _("kinds %(names)s"),
             "priorities": _("priorities %(names)s")}
    return [words[key] % {"names": ", ".join(sorted(getattr(item, key)))} for key in keys
            if getattr(item, key) is not None]


def _only(hours: ChannelHours) -> str:
    return "; ".join(_scope(hours, ("packages", "addons", "kinds", "priorities"))) or _("all")


def channel_words(catalog: Catalog, language: str) -> list[str]:
    """One line per channel rule with its hours rules, then one per contact point."""
    out: list[str] = []
    if catalog.channels:
        out += ["", _("Channels (%(count)s):") % {"count": len(catalog.channels)}]
        for channel, rule in catalog.channels.items():
            bits = [_("needs %(entitlement)s") % {"entitlement": rule.entitlement} if rule.entitlement
                    else _("open to every agreement")]
            if rule.kinds is not None:
                bits.append(_("only %(names)s") % {"names": ", ".join(sorted(rule.kinds))})
            bits.append(_("calendar %(calendar)s") % {"calendar": rule.calendar} if rule.calendar
                        else _("calendar of the package"))
            label = f" ({rule.label.get(language) or rule.label.get('en')})" if rule.label else ""
            out.append(f"  {channel}{label}: {', '.join(bits)}")
            for hours in rule.hours:
                out.append("    " + _("calendar %(calendar)s for %(scope)s") % {"calendar": hours.calendar,
                                                                               "scope": _only(hours)})
    out += ["", _("Contacts (%(count)s):") % {"count": len(catalog.contacts)} if catalog.contacts
            else _("Contacts: none")]
    for point in catalog.contacts:
        scope = _scope(point, ("kinds", "packages", "addons"))
        out.append(f"  {point.channel} {point.value}: {point.text(language)}" + (f" — {'; '.join(scope)}" if scope else ""))
    return out
