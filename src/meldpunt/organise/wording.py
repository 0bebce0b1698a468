"""How the console's timeline names the organise events (tags, links, merges)."""

from __future__ import annotations

from django.utils.translation import gettext as _


def event_text(event) -> str | None:
    data = event.data or {}
    if event.kind == "tagged":
        return _("Tag added: %(tag)s") % {"tag": data.get("tag", "")}
    if event.kind == "untagged":
        return _("Tag removed: %(tag)s") % {"tag": data.get("tag", "")}
    if event.kind == "linked":
        return _("Linked to request #%(n)s") % {"n": data.get("ticket", "")}
    if event.kind == "unlinked":
        return _("Link to request #%(n)s removed") % {"n": data.get("ticket", "")}
    if event.kind == "merged_into":
        return _("Merged into request #%(n)s") % {"n": data.get("ticket", "")}
    if event.kind == "merged_from":
        return _("Request #%(n)s merged into this one") % {"n": data.get("ticket", "")}
    if event.kind == "reply_for_merged":  # intake: a mail naming the merged duplicate's number
        return _("The customer's answer came for request #%(n)s, which was merged into this one") % {
            "n": data.get("ticket", "")}
    return None
