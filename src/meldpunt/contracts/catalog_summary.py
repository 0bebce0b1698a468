"""What ``meldpunt catalog check`` prints: a catalog as the loader understood it, in the
reader's language (issue 21). The facts come from :mod:`meldpunt.core.catalog_report`
(target tables) and the parsed catalog; the words around them are gettext's here (holidays,
the special-event weekend and channels in :mod:`meldpunt.contracts.catalog_summary_parts`), prices through :mod:`meldpunt.localformat`. The identifiers a catalog author
writes (package, calendar, kind and priority ids) are shown as written.
"""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext as _

from meldpunt.contracts.catalog_summary_parts import channel_words, holidays_words, weekend_words
from meldpunt.contracts.hours_words import describe_hours
from meldpunt.core.catalog import Catalog
from meldpunt.core.catalog_report import METRICS, target_table
from meldpunt.localformat import money, number


def _table(rows, header, indent="    ") -> list[str]:
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    return [indent + "  ".join(str(v).ljust(w) for v, w in zip(r, widths, strict=True)).rstrip() for r in [header, *rows]]


def _table_words() -> dict[str, str]:
    return {"all_word": _("all"), "product_word": _("product")}


def _name(names, language: str) -> str:
    return names.get(language) or names.get("en") or next(iter(names.values()), "") if names else ""


def catalog_summary(catalog: Catalog, language: str = "en") -> list[str]:
    """The readable summary: vendor, calendars, priority, packages with their target tables, add-ons."""
    with translation.override(language):
        return _summary(catalog, language)


def _summary(catalog: Catalog, language: str) -> list[str]:
    vat = number(catalog.vat_rate, 0 if catalog.vat_rate == int(catalog.vat_rate) else 1, language)
    out = [_("%(name)s (%(id)s), version %(version)s: %(currency)s, VAT %(vat)s%%") % {
               "name": catalog.name, "id": catalog.id, "version": catalog.version, "currency": catalog.currency, "vat": vat},
           _("Request kinds: %(kinds)s") % {"kinds": ", ".join(catalog.kinds)}, "",
           _("Calendars (%(count)s):") % {"count": len(catalog.calendars)}]
    for cal in catalog.calendars.values():
        out.append(f"  {cal.id}: {cal.label(language)} — {cal.timezone}")
        out.append("    " + _("hours: %(hours)s") % {"hours": describe_hours(cal.weekly, None, language)})
        out.append("    " + _("holidays: %(holidays)s") % {"holidays": holidays_words(cal, language)})
        if cal.closed:
            closed = ", ".join(f"{d.isoformat()} {r}" for d, r in sorted(cal.closed.items()))
            out.append("    " + _("closed: %(days)s") % {"days": closed})
    scheme = catalog.priority
    line = _("Priority: %(scheme)s, levels %(levels)s") % {"scheme": scheme.scheme, "levels": ", ".join(scheme.levels)}
    if scheme.default:
        line += _(", default %(level)s") % {"level": scheme.default}
    if scheme.provisional:
        line += _(", provisional %(level)s") % {"level": scheme.provisional}
    out += ["", line]
    if scheme.fixed:
        out.append("  " + _("always: %(rules)s") % {"rules": ", ".join(f"{k} = {v}" for k, v in scheme.fixed.items())})
    if scheme.scheme == "matrix":
        out += _table([(i, *(scheme.matrix[(i, u)] for u in scheme.urgencies)) for i in scheme.impacts],
                      (_("impact \\ urgency"), *scheme.urgencies), "  ")
    if catalog.indicative:
        out += ["", _("Indicative targets: %(metrics)s (a due moment is shown, labelled indicative; never a breach, "
                      "no escalation)") % {"metrics": ", ".join(m for m in METRICS if m in catalog.indicative)}]
    header = (_("priority"), _("kinds"), _("response"), _("resolution"), _("calendar"))
    out += ["", _("Packages (%(count)s):") % {"count": len(catalog.packages)}]
    for package in catalog.packages.values():
        line = _("%(id)s: %(name)s — %(price)s/month, calendar %(calendar)s") % {
            "id": package.id, "name": _name(package.name, language), "calendar": package.calendar,
            "price": money(package.monthly_price, catalog.currency, language)}
        if package.includes:
            line += _(", includes %(package)s") % {"package": package.includes}
        if package.queue_rank:
            line += _(", queue rank %(rank)s") % {"rank": package.queue_rank}
        out.append("  " + line)
        if package.covers:
            out.append("    " + _("covers: %(kinds)s") % {"kinds": ", ".join(sorted(package.covers))})
        if package.entitlements:
            out.append("    " + _("entitlements: %(names)s") % {"names": ", ".join(sorted(package.entitlements))})
        if package.limits:
            out.append("    " + _("limits: %(limits)s") % {"limits": ", ".join(f"{k} {v}" for k, v in package.limits.items())})
        out += _table(target_table(catalog, package.id, **_table_words()), header)
    if catalog.addons:
        out += ["", _("Add-ons (%(count)s):") % {"count": len(catalog.addons)}]
        for addon in catalog.addons.values():
            line = _("%(id)s: %(name)s — %(price)s/%(unit)s") % {
                "id": addon.id, "name": _name(addon.name, language), "unit": addon.unit,
                "price": money(addon.monthly_price, catalog.currency, language)}
            if addon.requires:
                line += _(", for %(packages)s") % {"packages": ", ".join(sorted(addon.requires))}
            out.append("  " + line)
            if addon.targets or addon.calendar_rules:
                base = next(p for p in catalog.packages if not addon.requires or p in addon.requires)
                out.append("    " + _("with %(package)s:") % {"package": base})
                out += _table(target_table(catalog, base, [addon.id], **_table_words()), header, "      ")
    if catalog.special_weekend is not None:
        out += ["", _("Special-event weekend:")]
        out += [f"  {label}: {text}" for label, text in weekend_words(catalog.special_weekend)]
        if catalog.special_weekend.legacy:
            out.append("  " + _("note: read from [coverage] weekend_calendar and weekend_notice_days; write a "
                                "[special_weekend] table"))
    out += channel_words(catalog, language)
    return out
