"""Requests beside triage proper: another category (seed 001), licence keys (seed 001) and
remote-access consent (seeds 001, 003). Plain functions in transactions, events logged."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from meldpunt.contracts.models import Agreement, Contact
from meldpunt.core.priority import reason_text
from meldpunt.core.requests_by_mail import same_company
from meldpunt.tickets import events
from meldpunt.tickets.models import Ticket
from meldpunt.tickets.registration import create_ticket
from meldpunt.tickets.requests import NewRequest
from meldpunt.tickets.services import add_message, change_status, request_information, set_priority
from meldpunt.triage.mail import queue_to
from meldpunt.triage.models import CategoryRequest, LicenceKey, RemoteConsent
from meldpunt.triage.services import TriageError, terms_of


# ------------------------------------------------------------------ category (seed 001)
@transaction.atomic
def request_category(ticket: Ticket, *, requested: str, motivation: str, by=None) -> CategoryRequest:
    """Seed 001: all incidents start at the default category; the customer may ask for
    another one. Whether they must motivate it at once is the catalog's
    ``category_motivation``: seed 000 asks for a motivation only "indien nodig", so an agent
    then asks in a reply (:func:`ask_motivation`). An agent decides (:func:`decide_category`)."""
    if ticket.agreement_id is None:
        raise TriageError(_("this request has no agreement, so no categories"))
    scheme = ticket.agreement.catalog.parsed().priority
    if scheme.scheme != "categories" or ticket.kind in scheme.fixed:
        raise TriageError(_("this agreement's priority comes from impact and urgency; give those instead"))
    if requested not in scheme.levels:
        raise TriageError(_("category must be one of %(levels)s") % {"levels": ", ".join(scheme.levels)})
    if requested == ticket.priority:
        raise TriageError(_("the request already has category %(category)s") % {"category": requested})
    if scheme.category_motivation == "required" and len(motivation.strip()) < 10:
        raise TriageError(_("motivation: say in a sentence why this category fits better"))
    if ticket.category_requests.filter(state="pending").exists():
        raise TriageError(_("a category request for this request is already waiting for an agent"))
    found = CategoryRequest.objects.create(ticket=ticket, current=ticket.priority, requested=requested,
                                           motivation=motivation.strip(), requested_by=by)
    events.record(ticket, "category_request", actor=by, request=found.pk, current=ticket.priority, requested=requested,
           motivation=found.motivation)
    return found


@transaction.atomic
def ask_motivation(found: CategoryRequest, *, actor=None, question: str = "") -> CategoryRequest:
    """Seed 000: "Indien nodig zullen wij u vragen dit te motiveren": the agent asks the
    customer why the category fits better; the request stays pending and the ticket waits
    on the customer (their answer, in the thread, resumes it)."""
    found = CategoryRequest.objects.select_for_update(of=("self",)).select_related("ticket").get(pk=found.pk)
    if found.state != "pending":
        raise TriageError(_("this category request was already %(state)s") % {"state": found.get_state_display().lower()})
    ticket = found.ticket
    nl = ticket.language == "nl"
    label = ticket.agreement.catalog.parsed().priority.label(found.requested, "nl" if nl else "en")
    with translation.override("nl" if nl else "en"):  # the customer's language
        body = question.strip() or _("You asked for %(label)s. Could you explain why this category matches the "
                                     "actual situation better?") % {"label": label}
    request_information(ticket, body, actor=actor)
    events.record(ticket, "category_motivation_asked", actor=actor, request=found.pk)
    return found


@transaction.atomic
def decide_category(found: CategoryRequest, *, accept: bool, actor=None, reason: str = "") -> CategoryRequest:
    """Accept (the priority and the clocks move, with the motivation as explanation) or
    refuse with a reason the customer sees."""
    found = CategoryRequest.objects.select_for_update(of=("self",)).select_related("ticket").get(pk=found.pk)
    if found.state != "pending":
        raise TriageError(_("this category request was already %(state)s") % {"state": found.get_state_display().lower()})
    if not accept and not reason.strip():
        raise TriageError(_("reason: say why the category stays as it is"))
    found.state = "accepted" if accept else "refused"
    found.decided_by, found.decided_at, found.reason = actor, timezone.now(), reason.strip()[:500]
    found.save(update_fields=["state", "decided_by", "decided_at", "reason"])
    ticket = found.ticket
    events.record(ticket, "category_decision", actor=actor, request=found.pk, state=found.state, requested=found.requested,
           reason=found.reason)
    if accept:
        # a reason of the core's (read back by code and worded for each reader), cut to the column
        words = {"level": found.requested, "motivation": " ".join(found.motivation.split())[:120]}
        why = (reason_text("category_noted", **words, note=" ".join(found.reason.split())[:150]) if found.reason
               else reason_text("category", **words))
        set_priority(ticket, actor=actor, priority=found.requested, reason=why[:300])
    return found


# ------------------------------------------------------------------ licence keys (seed 001)
def _running(agreement: Agreement) -> bool:
    today = timezone.localdate()
    return agreement.starts_on <= today and (agreement.ends_on is None or agreement.ends_on >= today)


@transaction.atomic
def request_licence_key(*, contact: Contact, agreement_code: str = "", version: str, product: str = "",
                        note: str = "", channel: str = "portal", actor=None, company_name: str = "",
                        company_address: str = "") -> Ticket:
    """Seed 001: a new licence key is requested with the agreement code, which is checked
    against the organisation's running agreements. Where the catalog allows it
    (``[licence_keys] identify_by`` with ``company``; seed 000: "uw overeenkomstcode of
    bedrijfsnaam en adres"), the company name and address do instead: the name must be the
    organisation's, and its one running agreement that issues keys is used."""
    code = agreement_code.strip()
    if code:
        agreement = Agreement.objects.filter(organisation_id=contact.organisation_id, code__iexact=code).select_related("catalog").first()
        if agreement is None:
            raise TriageError(_("agreement code “%(code)s” is not an agreement of %(organisation)s")
                              % {"code": code, "organisation": contact.organisation})
    else:
        agreement = _agreement_by_company(contact, company_name, company_address)
        note = f"{company_name.strip()}\n{company_address.strip()}\n\n{note.strip()}".strip()
    if not _running(agreement):
        raise TriageError(_("agreement %(code)s is not running today") % {"code": agreement.code})
    if "licence_key" not in agreement.catalog.parsed().kinds:
        raise TriageError(_("agreement %(code)s does not issue licence keys") % {"code": agreement.code})
    if not version.strip():
        raise TriageError(_("version: say which version you need a key for"))
    with translation.override(contact.language):  # the subject is the customer's to read
        subject = " ".join((_("Licence key %(product)s %(version)s") % {
            "product": product.strip(), "version": version.strip()}).split())[:300]
    ticket, _created = create_ticket(NewRequest(
        organisation=contact.organisation, agreement=agreement, contact=contact, kind="licence_key",
        subject=subject,
        description=note.strip(), product=product, product_version=version, channel=channel,
    ), actor=actor or contact.user)
    return ticket


def key_agreements_by_company(contact: Contact) -> list[Agreement]:
    """The contact's running agreements that issue licence keys to a request naming the
    company instead of the agreement code (``[licence_keys] identify_by``)."""
    running = [a for a in Agreement.objects.filter(organisation_id=contact.organisation_id).select_related("catalog")
               .order_by("code") if _running(a) and "licence_key" in a.catalog.parsed().kinds]
    return [a for a in running if "company" in a.catalog.parsed().licence_key_identifiers]


def _agreement_by_company(contact: Contact, company_name: str, company_address: str) -> Agreement:
    """The agreement a key request names by company name and address (seed 000)."""
    by_company = key_agreements_by_company(contact)
    if not by_company:
        raise TriageError(_("agreement_code: give your agreement code") if not company_name.strip() else
                          _("agreement_code: this vendor identifies a licence key request by the agreement code"))
    if not company_name.strip() or not company_address.strip():
        raise TriageError(_("give your agreement code, or your company name and address"))
    if not same_company(company_name, contact.organisation.name):
        raise TriageError(_("company name “%(name)s” is not the name of your organisation as we know it; "
                            "give your agreement code instead") % {"name": company_name.strip()})
    if len(by_company) > 1:
        raise TriageError(_("your organisation has more than one agreement that issues licence keys: "
                            "give the agreement code (%(codes)s)") % {"codes": ", ".join(a.code for a in by_company)})
    return by_company[0]


@transaction.atomic
def issue_licence_key(ticket: Ticket, *, key: str, actor=None) -> LicenceKey:
    """The key goes only to the organisation's coordinator (seed 001), is kept for the portal,
    and the request is resolved (its resolution clock stops)."""
    if ticket.kind != "licence_key" or ticket.agreement_id is None:
        raise TriageError(_("only a licence key request on an agreement gets a key"))
    if not key.strip():
        raise TriageError(_("key: paste the licence key"))
    coordinator = ticket.agreement.coordinator
    if coordinator is None or not coordinator.email or coordinator.organisation_id != ticket.organisation_id:
        raise TriageError(_("agreement %(code)s has no coordinator to send the key to; set one first") % {"code": ticket.agreement.code})
    issued = LicenceKey.objects.create(agreement=ticket.agreement, ticket=ticket, product=ticket.product,
                                       version=ticket.product_version, key=key.strip(), sent_to=coordinator.email,
                                       issued_by=actor)
    queue_to(coordinator, ticket, "licence_key", message=issued.key)
    events.record(ticket, "licence_key", actor=actor, key=issued.pk, sent_to=coordinator.email)
    add_message(ticket, f"The licence key was sent to your coordinator {coordinator.name}; it is also listed in the portal.\n"
                f"De licentiesleutel is naar uw coördinator {coordinator.name} gestuurd en staat ook in het portaal.",
                author=actor)
    change_status(ticket, "resolved", actor=actor)
    return issued


# ------------------------------------------------------------------ remote access
def remote_rule(ticket: Ticket, language: str) -> str:
    """What the agent must know before a remote session (catalog text; Invantive: only look)."""
    if ticket.agreement_id is None:
        return ""
    texts = ticket.agreement.catalog.parsed().coverage.remote_access_rule
    return texts.get(language) or texts.get("en", "")


@transaction.atomic
def record_remote_consent(ticket: Ticket, *, authorised_by: str, authorised: bool, present: bool,
                          actor=None, contact: Contact | None = None, note: str = "") -> RemoteConsent:
    """Seeds 001/003: remote access needs the customer's full authorisation and presence."""
    if ticket.agreement_id is None or "remote_access" not in terms_of(ticket.agreement).entitlements:
        raise TriageError(_("the agreement grants no remote access"))
    if not authorised_by.strip():
        raise TriageError(_("authorised_by: who authorised the session?"))
    if not (authorised and present):
        raise TriageError(_("a remote session needs the customer's authorisation and the customer present"))
    consent = RemoteConsent.objects.create(ticket=ticket, contact=contact, authorised_by=authorised_by.strip()[:200],
                                           authorised=True, present=True, note=note.strip()[:500], recorded_by=actor)
    events.record(ticket, "remote_consent", actor=actor, consent=consent.pk, authorised_by=consent.authorised_by,
           rule=remote_rule(ticket, "en"))
    return consent
