"""Phone calls, chats and emergency-line calls: offered within the channel's hours, logged by agents.

Seed 001: chat "during service hours"; seed 003: phone "during coverage hours"; seed 004:
phone support on workdays and Premium's "noodnummer voor incidenten". Which channels a
package has and the hours each keeps are catalog data (``[channels.<channel>]``,
:mod:`meldpunt.core.channels`).
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from meldpunt.contracts.catalogs import calendar_for
from meldpunt.contracts.models import Agreement, Contact
from meldpunt.contracts.vocabulary_words import kind_label
from meldpunt.core.businesstime import epoch
from meldpunt.core.channels import LIVE_CHANNELS, ChannelState, channel_state
from meldpunt.tickets.models import Ticket, channel_label
from meldpunt.tickets.registration import create_ticket
from meldpunt.tickets.requests import NewRequest
from meldpunt.tickets.services import TicketError, add_message


def channel_states(agreement: Agreement, at: datetime | None = None) -> dict[str, ChannelState]:
    """Each live channel of the agreement: granted or not, open now for every request, or only
    for some (e.g. critical issues on Infor Premium's 24×7 phone line at night)."""
    catalog = agreement.catalog.parsed()
    addons = agreement.addon_ids()
    granted = catalog.entitlements(agreement.package, addons)
    package = catalog.package(agreement.package)
    moment = epoch(at or timezone.now())
    answers: dict[str, bool] = {}

    def is_open(calendar_id: str) -> bool:
        if calendar_id not in answers:
            answers[calendar_id] = calendar_for(agreement.catalog, calendar_id).is_open(moment)
        return answers[calendar_id]

    return {
        channel: channel_state(channel, catalog.channels.get(channel), granted, agreement.package,
                               package.calendar, addons, is_open)
        for channel in LIVE_CHANNELS
    }


def channels_open(agreement: Agreement, at: datetime | None = None) -> dict[str, bool]:
    """Which live channels the customer may use now for every request: granted and within the
    channel's hours (:func:`channel_states` tells what is open for some requests only)."""
    return {channel: state.open_for_all for channel, state in channel_states(agreement, at).items()}


@transaction.atomic
def log_contact(
    *,
    channel: str,
    agent,
    summary: str,
    contact: Contact | None = None,
    agreement: Agreement | None = None,
    ticket: Ticket | None = None,
    subject: str = "",
    kind: str = "incident",
    at: datetime | None = None,
) -> Ticket:
    """Log a phone call or chat transcript: on an existing ticket, or as a new one.

    A logged conversation with the customer is a public message from the vendor, so it
    stops the response clock like a written reply would.
    """
    if channel not in LIVE_CHANNELS:
        raise TicketError(_("channel must be phone, chat or the emergency line"))
    if not summary.strip():
        raise TicketError(_("write what was said"))
    at = at or timezone.now()
    if ticket is None:
        if contact is None:
            raise TicketError(_("a new ticket from a call or chat needs the contact"))
        if agreement is not None and agreement.organisation_id != contact.organisation_id:
            raise TicketError(_("the agreement belongs to another organisation"))
        ticket, _created = create_ticket(NewRequest(
            organisation=contact.organisation, agreement=agreement, contact=contact, kind=kind,
            subject=subject or summary.strip().splitlines()[0][:120], description=summary,
            channel=channel, received_at=at,
        ), actor=agent)
        return ticket
    add_message(ticket, summary, author=agent, public=True, channel=channel, at=at)
    return ticket


def channel_sentences(agreement: Agreement, language: str, at: datetime | None = None) -> list[str]:
    """The portal's and console's words for :func:`channel_states`: which live channel is open
    now, for every request or only for some (priorities and kinds named as the catalog does)."""
    with translation.override(language):
        return _sentences(agreement, language, at)


def _line_name(channel: str) -> str:
    return _LINE_NAMES[channel]() if channel in _LINE_NAMES else channel_label(channel)


def _sentences(agreement: Agreement, language: str, at: datetime | None) -> list[str]:
    catalog = agreement.catalog.parsed()
    lines = []
    for channel, state in channel_states(agreement, at).items():
        if channel != "phone" and not state.granted:
            continue
        rule = catalog.channels.get(channel)
        name = (rule.label.get(language) or rule.label.get("en")) if rule and rule.label else _line_name(channel)
        if state.open_for_all:
            lines.append(_OPEN[channel]() if channel in _OPEN else _("%(line)s is open now.") % {"line": name})
        elif state.open:
            which = ", ".join(sorted({_narrowing(catalog, hours, language) for hours in state.only}))
            lines.append(_("%(line)s is open now only for: %(which)s.") % {"line": name, "which": which})
        elif channel != "chat":
            lines.append(_CLOSED[channel]() if channel in _CLOSED else _("%(line)s is not available right now.") % {"line": name})
    return lines


def _narrowing(catalog, hours, language: str) -> str:
    parts = [catalog.priority.label(level, language) for level in catalog.priority.levels if level in (hours.priorities or ())]
    parts += [kind_label(kind, language) for kind in catalog.kinds if kind in (hours.kinds or ())]
    return " / ".join(parts)


#: A live line named otherwise than its channel (``tickets.models.CHANNEL_LABELS``) in a sentence.
_LINE_NAMES = {"phone": lambda: _("Phone support")}
_OPEN = {"phone": lambda: _("Phone support is open now."), "chat": lambda: _("Chat is open now.")}
_CLOSED = {"phone": lambda: _("Phone support is not available right now.")}
