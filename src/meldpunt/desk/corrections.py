"""Correct a request after intake (issue 19): its kind, product, version, error code and
reproduction steps, and where it belongs — organisation, contact and agreement, creating
the contact in the same step for a sender nobody knew.

One business action in one transaction: the changes are checked together (the agreement
and the contact must belong to the organisation, the kind to the agreement's catalog, the
product and version to the vendor's product list when it has one), written with one
``corrected`` event that lists every field's old and new value, the priority decided again
when the kind or the catalog changed (its own ``priority`` event), the clocks computed
again from receipt and triage's completeness and coverage check run again (seed 002).
Pages and the API call :func:`correct`; besides them only a customer's answer with the
details asked for writes these fields after intake (:mod:`meldpunt.triage.details`).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from meldpunt.contracts.models import Agreement, Contact, Organisation
from meldpunt.contracts.services import ContactError, add_contact
from meldpunt.core.priority import PriorityError, initial_priority, reason_text
from meldpunt.core.vocabulary import supported_language
from meldpunt.knowledge.models import Product, Release
from meldpunt.tickets import events, search_index
from meldpunt.tickets.clocks import recompute_clocks
from meldpunt.tickets.models import KIND_CHOICES, UNRANKED, Ticket
from meldpunt.tickets.ranks import package_rank
from meldpunt.tickets.services import ConflictError, TicketError
from meldpunt.triage.services import assess  # completeness and coverage again after a correction

KINDS = {k for k, _label in KIND_CHOICES}
#: Text fields of the report and their longest stored length (None: no limit).
TEXT_FIELDS = {"product": 120, "product_version": 60, "error_code": 120, "reproduction": None}


class CorrectionError(TicketError):
    """A correction that cannot be made, with the reason (pages: 400, API: 400)."""


@dataclass(frozen=True, kw_only=True)
class NewContact:
    """A contact to create for the request's sender (an unknown sender's mail)."""

    name: str
    email: str = ""  # empty: the address the request came from
    language: str = "nl"


@dataclass(frozen=True, kw_only=True)
class Correction:
    """What to change; None leaves a field as it is. ``new_contact`` creates the contact
    (in ``organisation``) and places the request on it instead of ``contact``."""

    kind: str | None = None
    product: str | None = None
    product_version: str | None = None
    error_code: str | None = None
    reproduction: str | None = None
    organisation: Organisation | None = None
    agreement: Agreement | None = None
    contact: Contact | None = None
    new_contact: NewContact | None = None
    reason: str = ""


@transaction.atomic
def correct(ticket: Ticket, changes: Correction, *, by=None, expected_version: int | None = None) -> Ticket:
    """Apply ``changes`` to ``ticket`` as ``by`` (a staff user); see the module docstring.

    Raises :class:`CorrectionError` with a clear reason when the changes do not fit
    together, and ``ConflictError`` when someone changed the ticket since ``expected_version``."""
    ticket = Ticket.objects.select_for_update(of=("self",)).select_related(
        "agreement__catalog", "organisation", "contact").get(pk=ticket.pk)
    if expected_version is not None and ticket.version != expected_version:
        raise ConflictError(_("ticket #%(number)s was changed by someone else (version %(version)s, you had "
                              "%(expected)s); reload and try again")
                            % {"number": ticket.pk, "version": ticket.version, "expected": expected_version})
    organisation = changes.organisation or ticket.organisation
    agreement = changes.agreement or ticket.agreement
    contact = changes.contact or ticket.contact
    if (changes.contact is None and contact is not None and organisation is not None
            and contact.organisation_id != organisation.pk):
        contact = None  # moved to another organisation: the old one's contact does not come along
    if changes.contact is not None and changes.new_contact is not None:
        raise CorrectionError(_("choose an existing contact or create a new one, not both"))
    _check_places(ticket, organisation, agreement, contact, changes)
    kind = changes.kind or ticket.kind
    if kind not in KINDS:
        raise CorrectionError(_("kind must be one of %(kinds)s") % {"kinds": ", ".join(sorted(KINDS))})
    if agreement is not None and kind not in agreement.catalog.parsed().kinds:
        raise CorrectionError(_("catalog %(catalog)s does not take %(kind)s requests") % {"catalog": agreement.catalog.vendor, "kind": kind})
    texts = {name: _text(name, getattr(changes, name), limit) for name, limit in TEXT_FIELDS.items()}
    product = texts["product"] if texts["product"] is not None else ticket.product
    version = texts["product_version"] if texts["product_version"] is not None else ticket.product_version
    if agreement is not None and (product, version) != (ticket.product, ticket.product_version):
        product, version = _catalog_product(agreement.catalog.vendor, product, version)
        texts["product"], texts["product_version"] = product, version
    if changes.new_contact is not None:
        contact = _create_contact(ticket, organisation, changes.new_contact)

    changed: dict[str, list] = {}
    old_scheme_vendor = ticket.agreement.catalog.vendor if ticket.agreement_id else None
    old_kind = ticket.kind
    for name, value in (("organisation", organisation), ("agreement", agreement), ("contact", contact)):
        old = getattr(ticket, name)
        if (old.pk if old else None) != (value.pk if value else None):
            changed[name] = [_name(old), _name(value)]
            setattr(ticket, name, value)
    if kind != ticket.kind:
        changed["kind"] = [ticket.kind, kind]
        ticket.kind = kind
    for name, value in texts.items():
        if value is not None and value != getattr(ticket, name):
            changed[name] = [getattr(ticket, name), value]
            setattr(ticket, name, value)
    if not changed:
        return ticket
    fields = list(changed)
    if "agreement" in changed:  # another package may rank otherwise in the queues (catalog: queue_rank)
        ticket.package_rank = package_rank(ticket.agreement)
        fields.append("package_rank")
    old_priority = ticket.priority
    if _redecide(ticket, old_kind, old_scheme_vendor):
        fields += ["priority", "priority_reason", "priority_rank", "priority_provisional"]
    ticket.version += 1
    ticket.save(update_fields=[*fields, "version", "updated_at"])
    search_index.refresh([ticket.pk])  # product, error code, organisation and contact are searched
    events.record(ticket, "corrected", actor=by, changes=changed, reason=changes.reason.strip()[:300])
    if ticket.priority != old_priority:
        events.record(ticket, "priority", actor=by, old=old_priority, new=ticket.priority,
                      reason=ticket.priority_reason)
    recompute_clocks(ticket)

    assess(ticket)
    return ticket


def _check_places(ticket: Ticket, organisation, agreement, contact, changes: Correction) -> None:
    if agreement is not None and organisation is None:
        raise CorrectionError(_("choose the organisation the agreement belongs to as well"))
    if agreement is not None and agreement.organisation_id != organisation.pk:
        raise CorrectionError(_("agreement %(code)s belongs to another organisation") % {"code": agreement.code})
    if contact is not None and changes.new_contact is None and (
            organisation is None or contact.organisation_id != organisation.pk):
        raise CorrectionError(_("contact %(contact)s belongs to another organisation; choose a contact of "
                                "%(organisation)s or create one")
                              % {"contact": contact.name,
                                 "organisation": organisation.name if organisation else _("the organisation")})
    if changes.new_contact is not None and organisation is None:
        raise CorrectionError(_("choose the organisation the new contact belongs to"))
    if organisation is not None and agreement is None and changes.organisation is not None:
        raise CorrectionError(_("choose one of the organisation's agreements as well"))


def _text(name: str, value: str | None, limit: int | None) -> str | None:
    if value is None:
        return None
    value = value.strip()
    if limit is not None and len(value) > limit:
        raise CorrectionError(_("%(field)s: at most %(limit)s characters, got %(length)s")
                              % {"field": name, "limit": limit, "length": len(value)})
    return value


def _catalog_product(vendor: str, product: str, version: str) -> tuple[str, str]:
    """Where the vendor keeps a product list (knowledge: products and releases), the product
    must be on it (by name or short name, in any case) and the version one of its releases
    when it has any; the stored names are the list's. Vendors without a list take any text."""
    products = list(Product.objects.filter(vendor=vendor))
    if not products or not product:
        return product, version
    found = next((p for p in products if product.lower() in (p.name.lower(), p.slug.lower())), None)
    if found is None:
        raise CorrectionError(_("product %(product)r is not one of %(vendor)s's products: %(products)s")
                              % {"product": product, "vendor": vendor,
                                 "products": ", ".join(sorted(p.name for p in products))})
    versions = list(Release.objects.filter(product=found).values_list("version", flat=True))
    if versions and version and version not in versions:
        raise CorrectionError(_("version %(version)r is not a release of %(product)s: %(versions)s")
                              % {"version": version, "product": found.name, "versions": ", ".join(versions)})
    return found.name, version


def _create_contact(ticket: Ticket, organisation: Organisation, new: NewContact) -> Contact:
    if not new.name.strip():
        raise CorrectionError(_("the new contact needs a name"))
    email = new.email.strip() or ticket.reporter_email
    if not email:
        raise CorrectionError(_("the new contact needs an address: the request came without one"))
    try:
        validate_email(email)
    except ValidationError:
        raise CorrectionError(_("%(email)r is not a valid e-mail address") % {"email": email}) from None
    try:
        return add_contact(organisation=organisation, name=new.name, email=email,
                           language=supported_language(new.language))
    except ContactError as exc:
        raise CorrectionError(str(exc)) from None


def _redecide(ticket: Ticket, old_kind: str, old_vendor: str | None) -> bool:
    """Decide the priority again when the kind or the catalog changed and the level no longer
    follows: a fixed kind takes its level; a level that was fixed by the old kind, provisional,
    missing or from another catalog is decided as at registration (impact × urgency, the
    default or the provisional level). An agent's assessment on the same catalog stays."""
    if ticket.agreement is None:
        return False
    scheme = ticket.agreement.catalog.parsed().priority
    if old_vendor == ticket.agreement.catalog.vendor:
        if old_kind == ticket.kind:
            return False  # nothing the priority depends on changed
        assessed = ticket.priority and not ticket.priority_provisional
        if assessed and ticket.kind not in scheme.fixed and old_kind not in scheme.fixed:
            return False  # the agent's assessment stays
    try:
        decision = initial_priority(scheme, ticket.kind, impact=ticket.impact or None,
                                    urgency=ticket.urgency or None)
    except PriorityError:  # impact/urgency of another catalog's scheme: assess again
        decision = initial_priority(scheme, ticket.kind)
    ticket.priority = decision.level if decision else ""
    ticket.priority_reason = decision.reason if decision else reason_text("unassessed")
    ticket.priority_provisional = bool(decision and decision.provisional)
    ticket.priority_rank = scheme.rank(ticket.priority, UNRANKED) if ticket.priority else UNRANKED
    return True


def _name(row) -> str | None:
    if row is None:
        return None
    return getattr(row, "code", None) or getattr(row, "name", None) or str(row)

