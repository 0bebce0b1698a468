"""How the console's timeline names a team change."""

from __future__ import annotations

from django.utils.translation import gettext as _


def event_text(event) -> str | None:
    if event.kind != "team":
        return None
    data = event.data or {}
    if not data.get("new"):
        return _("Taken out of team %(team)s") % {"team": data.get("old") or "–"}
    text = _("Team: %(team)s") % {"team": data["new"]}
    return text + (" " + _("(routing rule)") if data.get("rule") else "")
