"""Why an inbound mail came to what it did, kept as data and worded when read (issue 21).

A mail's notes (``InboundMail.notes``) are a list of ``{"code": …, params}``, one per
thing that happened to it: registered as a new request, held by the flood rule, released
by an agent, its confirmation withheld… They are worded here, in the reader's language
(an agent reads their own UI language), joined by "; ". Rows written before notes existed
keep their English sentence in ``legacy_reason`` and show it as it was written (a read-time
fallback: those sentences were built from free text and cannot be read back reliably).

No models here. Parameters are names, addresses and numbers; ``text`` is a technical
detail (a parser's or database's error) shown as it is.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

#: Longest parameter a note keeps (an error text may be long; the column held 500).
LONGEST = 500

WORDS = {
    "new": gettext_lazy("new request from %(name)s (%(organisation)s)"),
    "unknown": gettext_lazy("unknown sender %(sender)s: in the triage queue"),
    "ambiguous": gettext_lazy("ambiguous sender %(sender)s: the address belongs to more than one contact; "
                              "in the triage queue"),
    "not_allowed": gettext_lazy("not allowed to write into #%(ticket)s"),
    "reply": gettext_lazy("reply to ticket #%(ticket)s"),
    "reopened": gettext_lazy("reopened"),
    "merged": gettext_lazy("written to #%(ticket)s, merged into it"),
    "follow_up": gettext_lazy("reply to #%(ticket)s, closed or past its reopen window: a new request follows it up"),
    "automatic": gettext_lazy("automatic mail (%(kind)s); recorded, never answered"),
    "held": gettext_lazy("held: more than %(limit)s mails from %(sender)s in an hour; an agent releases or discards it"),
    "released": gettext_lazy("released by %(by)s"),
    "discarded": gettext_lazy("discarded by %(by)s"),
    "made_ticket": gettext_lazy("turned into ticket #%(ticket)s by %(by)s"),
    "unreadable": gettext_lazy("unreadable: %(text)s"),
    "over_limit": gettext_lazy("over a limit: %(text)s"),
    "not_registered": gettext_lazy("could not be registered: %(text)s"),
    "not_confirmed_address": gettext_lazy("not confirmed: %(count)s confirmations to %(address)s in the last hour "
                                          "already"),
    "not_confirmed_overall": gettext_lazy("not confirmed: %(count)s confirmations to unknown senders in the last "
                                          "hour already"),
}


def note(code: str, **params: object) -> dict:
    """One note, ready to store: its code and its parameters (long ones cut)."""
    if code not in WORDS and code != "text":
        raise ValueError(f"no words for intake note {code!r}")
    return {"code": code, **{k: (v[:LONGEST] if isinstance(v, str) else v) for k, v in params.items()}}


def note_words(found: Mapping) -> str:
    """One note in the active language (``text``: an old or technical sentence, as it is)."""
    code = found.get("code", "")
    params = {k: v for k, v in found.items() if k != "code"}
    if code not in WORDS:
        return str(params.get("text", code))
    return str(WORDS[code]) % params


def notes_words(notes: Iterable[Mapping], fallback: str = "") -> str:
    """All notes of a mail in the active language, or ``fallback`` when it has none."""
    return "; ".join(note_words(n) for n in notes) or fallback


def event_text(event) -> str | None:
    """The timeline's line for intake's own ticket events (``confirmation_withheld``)."""
    if event.kind != "confirmation_withheld":
        return None
    data = event.data or {}
    reason = data.get("reason")
    why = note_words(reason) if isinstance(reason, Mapping) else str(reason or "–")  # older rows: English
    return _("Confirmation to %(to)s not sent: %(reason)s") % {"to": data.get("to", ""), "reason": why}
