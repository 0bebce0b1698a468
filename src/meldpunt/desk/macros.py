"""A reply template filled in for one ticket, in the customer's language.

Placeholders are filled with ``str.format_map`` on a dict that keeps unknown names as they
are. Before that every brace that is not a plain ``{name}`` (or a ``{{``/``}}`` escape) is
escaped, so no template text can reach attributes, indexes or format specs, and a stray
``{`` in a macro is just a brace: rendering never fails.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils import translation

from meldpunt.desk.models import Macro
from meldpunt.intake.outbox import customer_language
from meldpunt.tickets.models import Ticket
from meldpunt.tickets.wording import due_words

#: The placeholders a template may use (documented on the template form and in docs/console.md).
PLACEHOLDERS = ("ticket", "subject", "customer_name", "agent_name", "organisation", "due_response", "due_resolution")
_TOKEN = re.compile(r"\{\{|\}\}|\{[A-Za-z_][A-Za-z0-9_]*\}")


class _KeepUnknown(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _escape(text: str) -> str:
    return text.replace("{", "{{").replace("}", "}}")


def fill(text: str, values: dict[str, str]) -> str:
    """``text`` with each known ``{name}`` replaced; anything else is left as written."""
    parts, pos = [], 0
    for match in _TOKEN.finditer(text):
        parts += [_escape(text[pos:match.start()]), match.group(0)]
        pos = match.end()
    parts.append(_escape(text[pos:]))
    return "".join(parts).format_map(_KeepUnknown(values))


def placeholder_values(ticket: Ticket, agent, language: str) -> dict[str, str]:
    with translation.override(language):
        return {
            "ticket": f"#{ticket.pk}",
            "subject": ticket.subject,
            "customer_name": ticket.contact.name if ticket.contact_id else ticket.reporter_email,
            "agent_name": (agent.get_full_name() or agent.get_username()) if agent else "",
            "organisation": ticket.organisation.name if ticket.organisation_id else "",
            "due_response": due_words(ticket, "response"),
            "due_resolution": due_words(ticket, "resolution"),
        }


@dataclass(frozen=True)
class FilledMacro:
    macro: Macro
    language: str
    body: str
    visibility: str  # "public" or "note", as the reply form names it
    status: str  # "" leaves the status as it is


def fill_macro(macro: Macro, ticket: Ticket, agent) -> FilledMacro:
    """``macro`` for ``ticket``: its text in the customer's language (else its only text) with
    the placeholders filled in the language of that text."""
    text, language = macro.text_for(customer_language(ticket))
    body = fill(text, placeholder_values(ticket, agent, language))
    return FilledMacro(macro, language, body, "note" if macro.internal_note else "public", macro.set_status)
