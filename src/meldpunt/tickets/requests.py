"""What a channel hands to registration: one :class:`NewRequest` per request.

Every channel (API, portal, mail, phone and chat, community, bookings, triage's licence
keys, the demo) builds one and passes it to the one registration path,
:mod:`meldpunt.tickets.registration` (one request or a batch); the fields and their
defaults live here once instead of in each caller's keyword list. Who registers it (the
``actor`` of the 'created' event) is not part of the request: the service takes it apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from meldpunt.contracts.models import Agreement, Contact, Organisation


@dataclass(frozen=True, slots=True, kw_only=True)
class NewRequest:
    """A request as received, before it is checked and registered.

    ``organisation`` None: a sender nobody knows (mail intake; the triage queue takes it).
    Empty ``impact``, ``urgency`` and ``priority`` leave the priority to the catalog's rule
    (or to an agent's assessment). ``received_at`` None: now. ``language`` None: the
    contact's, else the organisation's, else English. ``reporter_email`` empty: the
    contact's address; ``reporter_name`` is a stranger's name from the mail. The same ``idempotency_key`` within an organisation registers once.

    ``imported``: history brought in from another desk (:mod:`meldpunt.history`), not news:
    no follow-up (no assessment, no confirmation mail). ``status``: where it stands when
    registered (only imported history starts elsewhere than new); a resolved or closed
    request gets no SLA clocks.
    """

    organisation: Organisation | None
    subject: str
    kind: str = "incident"
    description: str = ""
    agreement: Agreement | None = None
    contact: Contact | None = None
    channel: str = "portal"
    received_at: datetime | None = None
    impact: str = ""
    urgency: str = ""
    priority: str | None = None
    language: str | None = None
    idempotency_key: str | None = None
    product: str = ""
    product_version: str = ""
    error_code: str = ""
    reproduction: str = ""
    reporter_email: str = ""
    reporter_name: str = ""
    imported: bool = False
    status: str = "new"
