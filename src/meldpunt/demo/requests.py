"""The demo's requests: one in every state that triage and the clocks know, so each page and
each action of the console and the portal can be tried at once.

- new and not yet triaged (a customer's mail, and a stranger's mail for the triage queue);
- sent back for information; accepted and assigned; in progress; waiting on the customer;
- converted to an advisory request with a proposal sent;
- breaching (received long ago, still open); resolved; closed;
- time booked on an accepted incident, so the time and invoice pages have a figure.

They are made only when the desk has no requests yet (loading twice changes nothing)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from meldpunt.billing.services import book_time
from meldpunt.tickets.models import Ticket
from meldpunt.tickets.registration import create_ticket
from meldpunt.tickets.requests import NewRequest
from meldpunt.tickets.services import add_message, assign_ticket, change_status
from meldpunt.triage import services as triage


def _new(**fields) -> Ticket:
    return create_ticket(NewRequest(**fields))[0]


def load_requests(users: dict, places: dict) -> int:
    """Make the demo's requests; ``places`` maps a customer login to (organisation, agreement,
    contact). Returns how many were made (0 when the desk already has requests)."""
    if Ticket.objects.exists():
        return 0
    now = timezone.now()
    agent, lisa = users["agent"], users["lisa"]
    devries, erpm, jan = places["jan"]
    northwind, inv, emma = places["emma"]
    acme, infor, sofia = places["sofia"]

    shopify = _new(organisation=devries, agreement=erpm, contact=jan, kind="incident",
                   subject="Orders uit Shopify komen niet meer binnen", impact="organisation", urgency="high",
                   description="Sinds vanochtend 07:10 geen orders meer via de Shopify-koppeling.",
                   channel="phone", received_at=now - timedelta(hours=3), language="nl")
    _new(organisation=devries, agreement=erpm, contact=jan, kind="question",
         subject="Hoe stel ik een tweede magazijn in?", channel="email",
         received_at=now - timedelta(days=2), language="nl")
    refresh = _new(organisation=northwind, agreement=inv, contact=emma, kind="incident",
                   subject="itgenclr073: connection to Exact Online fails",
                   description="Error itgenclr073 when refreshing. Invantive Query Tool 24.0.12, steps: 1) connect "
                               "2) run select * from me",
                   channel="portal", received_at=now - timedelta(days=1), language="en",
                   product="Invantive Query Tool", product_version="24.0.12", error_code="itgenclr073",
                   reproduction="1) connect 2) run select * from me")
    _new(organisation=northwind, agreement=inv, contact=emma, kind="licence_key",
         subject="New licence key for release 25.0", channel="email",
         received_at=now - timedelta(hours=20), language="en")
    planning = _new(organisation=acme, agreement=infor, contact=sofia, kind="incident",
                    subject="Production planning run aborts", priority="critical",
                    channel="phone", received_at=now - timedelta(hours=5), language="en")
    _new(organisation=None, subject="Vraag over jullie koppelingen", channel="email",
         description="Goedemiddag, wij overwegen een koppeling met ons webwinkelpakket. Wat kost dat?",
         reporter_email="karel@example.org", reporter_name="Karel Jansen", received_at=now - timedelta(hours=2),
         language="nl")
    vague = _new(organisation=northwind, agreement=inv, contact=emma, kind="incident",
                 subject="Something is wrong with the report", channel="email",
                 description="The numbers look off.", received_at=now - timedelta(hours=26), language="en")
    export = _new(organisation=devries, agreement=erpm, contact=jan, kind="incident",
                  subject="Export naar PostNL geeft dubbele zendingen", impact="multiple", urgency="medium",
                  description="Elke zending van gisteren staat twee keer bij PostNL.", product="ERP.M Koppelingen",
                  product_version="2026.2", error_code="PNL-409", reproduction="1) Export starten 2) PostNL-portaal openen",
                  channel="portal", received_at=now - timedelta(days=3), language="nl")
    report = _new(organisation=northwind, agreement=inv, contact=emma, kind="question",
                  subject="Please build us a custom margin report", channel="portal",
                  description="We would like a report of margin per customer per month, with a chart.",
                  received_at=now - timedelta(days=4), language="en")
    overdue = _new(organisation=acme, agreement=infor, contact=sofia, kind="incident",
                   subject="Invoice matching stays slow", priority="high", channel="portal",
                   received_at=now - timedelta(days=12), language="en")
    resolved = _new(organisation=devries, agreement=erpm, contact=jan, kind="question",
                    subject="Wachtwoord van de koppelingsgebruiker verlopen", channel="email",
                    received_at=now - timedelta(days=6), language="nl")
    closed = _new(organisation=acme, agreement=infor, contact=sofia, kind="question",
                  subject="Where do I find the release notes?", channel="portal",
                  received_at=now - timedelta(days=20), language="en")

    # Work on them as the desk would.
    add_message(shopify, "We kijken ernaar; de koppeling wordt opnieuw gestart.", author=agent)
    assign_ticket(shopify, agent, actor=lisa)
    change_status(refresh, "waiting_customer", actor=agent)
    triage.send_back(vague, actor=agent, note="Which report, and which numbers do you expect?")
    triage.accept(export, actor=agent)
    assign_ticket(export, agent, actor=lisa)
    change_status(export, "in_progress", actor=agent)
    triage.accept(planning, actor=lisa, reason="Production is down; the details follow by phone.")
    assign_ticket(planning, agent, actor=lisa)
    assign_ticket(overdue, lisa, actor=lisa)
    change_status(overdue, "in_progress", actor=lisa)
    triage.convert_to_advisory(report, actor=agent, reason="A custom report is not part of the subscription.")
    proposal = triage.draft_proposal(report, actor=agent, hours="3", rate="125", description="A margin report per customer per month.")
    triage.send_proposal(proposal, actor=agent)
    book_time(ticket=export, agent=agent, minutes=45, note="Zendingen vergeleken met het PostNL-portaal")
    add_message(resolved, "Het wachtwoord is opnieuw ingesteld; de koppeling draait weer.", author=agent)
    change_status(resolved, "resolved", actor=agent)
    add_message(closed, "They are under Releases in the portal.", author=agent)
    change_status(closed, "resolved", actor=agent)
    change_status(closed, "closed", actor=agent)
    return Ticket.objects.count()
