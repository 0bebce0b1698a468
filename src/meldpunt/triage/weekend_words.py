"""What a special-event weekend covers, in the reader's language.

The catalog may describe its weekend itself (``description``, per language: catalog data);
otherwise the summary is made from the rule's facts here, through gettext: the window, the
staffed hours, the kinds and priorities covered, standard products only, the support language.
"""

from __future__ import annotations

from django.utils import translation
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext as _

from meldpunt.contracts.vocabulary_words import kind_label
from meldpunt.core.businesstime import DAY_MINUTES
from meldpunt.core.priority import PriorityScheme
from meldpunt.core.special_weekend import WeekendRule


def _hhmm(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def weekend_summary(rule: WeekendRule, language: str = "en", scheme: PriorityScheme | None = None) -> str:
    """The catalog's own description in ``language`` (else its English one), or one made from
    the rule: kinds by their names, priorities by the catalog's ``scheme`` labels (else their codes)."""
    own = rule.description.get(language) or rule.description.get("en")
    if own:
        return own
    with translation.override(language):
        end_minute = (rule.start_minute + rule.length_minutes) % DAY_MINUTES
        end_day = (rule.start_day + (rule.start_minute + rule.length_minutes) // DAY_MINUTES) % 7
        parts = [
            _("From %(start_day)s %(start)s to %(end_day)s %(end)s, staffed %(hours)s") % {
                "start_day": WEEKDAYS[rule.start_day],
                "start": _hhmm(rule.start_minute),
                "end_day": WEEKDAYS[end_day],
                "end": _hhmm(end_minute),
                "hours": ", ".join(f"{_hhmm(a)}–{_hhmm(b)}" for a, b in rule.hours)},
            _("all kinds of request") if rule.kinds is None else ", ".join(kind_label(k) for k in sorted(rule.kinds)),
            _("all priorities") if rule.priorities is None else ", ".join(
                scheme.label(p, language) if scheme else p for p in sorted(rule.priorities, key=scheme.rank if scheme else None)),
        ]
        if rule.standard_only:
            parts.append(_("standard products only"))
        if rule.language:
            try:  # Django names every language it knows, in the active language
                name = str(translation.get_language_info(rule.language)["name_translated"])
            except KeyError:
                name = rule.language
            parts.append(_("support in %(language)s") % {"language": name})
        return "; ".join(parts)
