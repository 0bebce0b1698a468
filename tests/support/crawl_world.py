"""A desk with a ticket of every shape intake can make, for the crawl (tests/web/test_crawl.py).

Mail goes through the real ingest path (``intake.services.ingest`` with raw RFC 5322 bytes),
so the rows are exactly what intake leaves behind: tickets without organisation, agreement,
contact or priority, thread messages without author, HTML-only mail, attachments, forwards,
replies, quarantined mail turned into a ticket. Beside them: portal, phone, chat and API
requests, every status, proposals, category and licence-key requests, a weekend, remote
consent, time, an invoice, bookings, knowledge rows, saved views and macros.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from meldpunt.billing.models import Invoice
from meldpunt.billing.services import book_time, credit_invoice, run_month
from meldpunt.bookings import selectors as booking_selectors
from meldpunt.bookings.services import book_session, cancel, publish_availability, record_session
from meldpunt.contracts.models import CatalogVersion, Organisation
from meldpunt.desk.services import save_macro, save_view
from meldpunt.escalation.models import Duty
from meldpunt.escalation.services import scan_alerts
from meldpunt.intake import attachments
from meldpunt.intake.contact_log import log_contact
from meldpunt.intake.models import Attachment, Follower, InboundMail
from meldpunt.intake.services import attach_uploads, ingest, quarantine_to_ticket, register_forward
from meldpunt.knowledge import ideas
from meldpunt.knowledge.models import Product, Release
from meldpunt.knowledge.releases import announce_critical_fix, set_opt_in
from meldpunt.knowledge.services import answer_question, ask_question, create_article, link_article
from meldpunt.notifications.models import Notification
from meldpunt.organise.merging import merge
from meldpunt.organise.services import add_tag, link
from meldpunt.teams.models import Membership, RoutingRule, Team
from meldpunt.tickets.models import Message, Ticket
from meldpunt.tickets.registration import create_ticket
from meldpunt.tickets.replies import customer_reply
from meldpunt.tickets.requests import NewRequest
from meldpunt.tickets.services import (
    add_message,
    assign_ticket,
    change_kind,
    change_status,
    plan_resolution,
    request_information,
    set_priority,
)
from meldpunt.triage import requests as triage_requests
from meldpunt.triage import services as triage
from meldpunt.triage import weekends
from meldpunt.triage.followup import follow_up_pending
from tests.support import factories as f
from tests.support.samples import forwarded, mail


@dataclass
class World:
    """The users the crawl acts as, and the ids of every row a page or API operation names."""

    users: dict[str, object]
    ids: dict[str, list[int]] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)

    def add(self, kind: str, *values) -> None:
        self.ids.setdefault(kind, []).extend(v.pk if hasattr(v, "pk") else v for v in values)


def _raw(*, sender: str, subject: str, message_id: str, body: str = "Het werkt niet meer sinds vanochtend.",
         headers: dict | None = None, content_type: str = "text/plain; charset=utf-8") -> bytes:
    return mail(sender=sender, subject=subject, message_id=message_id, body=body, headers=headers,
                content_type=content_type)


def _with_files(sender: str, message_id: str, subject: str = "Logbestanden") -> bytes:
    """A multipart mail with a text part, a PDF and a file whose name needs decoding."""
    pdf = base64.encodebytes(b"%PDF-1.4 fake").decode()
    return (
        f"From: {sender}\r\nTo: support@vendor.test\r\nSubject: {subject}\r\n"
        f"Message-ID: {message_id}\r\nMIME-Version: 1.0\r\n"
        'Content-Type: multipart/mixed; boundary="b1"\r\n\r\n'
        "--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nZie bijlagen.\r\n"
        '--b1\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename="rapport.pdf"\r\n'
        f"Content-Transfer-Encoding: base64\r\n\r\n{pdf}\r\n"
        "--b1\r\nContent-Type: text/plain; charset=utf-8\r\n"
        "Content-Disposition: attachment; filename*=utf-8''fout%20%C3%A9%C3%A9n.txt\r\n\r\nregel 1\r\n"
        "--b1--\r\n"
    ).encode()


def _ingested(raw: bytes, **kwargs) -> Ticket:
    result = ingest(raw, **kwargs)
    assert result.ticket is not None, result
    return Ticket.objects.get(pk=result.ticket)


def _mail_tickets(w: World, jan, piet, agent) -> list[Ticket]:
    """Every shape mail intake makes, through ``ingest``."""
    known = _ingested(_raw(sender="Jan <jan@devries.test>", subject="Orders komen niet binnen",
                           message_id="<c1@devries.test>"))
    # The customer answers by mail: a thread message by their login (the address when they have none).
    replied = ingest(_raw(sender="Jan <jan@devries.test>", subject=f"Re: [#{known.pk}] Orders komen niet binnen",
                message_id="<c1-re@devries.test>", body="Nog steeds niet.\n\n> oude tekst"))
    assert (replied.outcome, replied.ticket) == ("appended", known.pk), replied
    # Cc on a reply: Piet (a contact of the organisation) follows; the stranger does not.
    cc = ingest(_raw(sender="Jan <jan@devries.test>", subject=f"Re: [#{known.pk}] Orders komen niet binnen",
                     message_id="<c1-cc@devries.test>", body="Piet leest mee.",
                     headers={"Cc": "Piet <piet@devries.test>, vreemde@elders.test"}))
    assert (cc.outcome, cc.ticket) == ("appended", known.pk), cc
    stranger = _ingested(_raw(sender="Onbekend <iemand@elders.test>", subject="Wie helpt mij?",
                              message_id="<s1@elders.test>"))
    ingest(_raw(sender="iemand@elders.test", subject=f"Re: [#{stranger.pk}] Wie helpt mij?",
                message_id="<s1-re@elders.test>", body="Hallo?"))
    html = _ingested(_raw(sender="Piet <piet@devries.test>", subject="Opmaak", message_id="<h1@devries.test>",
                          content_type="text/html; charset=utf-8",
                          body="<html><body><p>Fout &amp; <b>crash</b></p><script>x()</script></body></html>"))
    files = _ingested(_with_files("Jan <jan@devries.test>", "<a1@devries.test>"))
    stranger_files = _ingested(_with_files("nobody@elders.test", "<a2@elders.test>", subject=""))
    empty = _ingested(_raw(sender="leeg@elders.test", subject="", message_id="<e1@elders.test>", body=""))
    ingest(_raw(sender="Jan <jan@devries.test>", subject=f"Automatisch antwoord [#{known.pk}]",
                message_id="<auto@devries.test>", headers={"Auto-Submitted": "auto-replied"}))
    # A known contact whose organisation has no agreement: organisation and contact, no agreement.
    no_agreement = _ingested(_raw(sender="Los <los@zonder.test>", subject="Geen contract",
                                  message_id="<z1@zonder.test>"))
    forward = Ticket.objects.get(pk=register_forward(forwarded(_raw(
        sender="Klant <klant@elders.test>", subject="Via de medewerker", message_id="<fw-orig@elders.test>")),
        agent=agent).ticket)
    forward_known = Ticket.objects.get(pk=register_forward(_raw(
        sender="Jan <jan@devries.test>", subject="Geplakt", message_id="<pasted@devries.test>"), agent=agent).ticket)
    ingest(b"\x00\x01 this is no mail \xff", source="broken.eml")
    ingest(b"\x00\x02 neither is this \xfe", source="broken2.eml")
    q1, q2 = InboundMail.objects.filter(outcome="quarantined").order_by("pk")
    quarantined = quarantine_to_ticket(q1, agent=agent)
    quarantined_known = quarantine_to_ticket(q2, agent=agent, contact=jan, subject="Onleesbare mail")
    w.add("inbound", *InboundMail.objects.all())
    return [known, stranger, html, files, stranger_files, empty, no_agreement, forward, forward_known, quarantined, quarantined_known]


def _other_channels(w: World, jan, piet, agreement, agent) -> list[Ticket]:
    portal, _ = create_ticket(NewRequest(organisation=jan.organisation, agreement=agreement, contact=jan, kind="question",
                              subject="Vraag via portaal", description="Hoe werkt de export?", channel="portal",
                              impact="one", urgency="low"), actor=jan.user)
    attach_uploads(portal, [SimpleUploadedFile("scherm.png", b"\x89PNG fake", "image/png")], author=jan.user)
    add_message(portal, "Interne notitie", author=agent, public=False)
    add_message(portal, "Antwoord van de leverancier", author=agent)
    phone = log_contact(channel="phone", agent=agent, contact=jan, agreement=agreement,
                        summary="Belde over de koppeling\nSinds 07:00 geen orders.")
    chat = log_contact(channel="chat", agent=agent, contact=piet, summary="Chat over inloggen")
    stranger_call = Ticket.objects.filter(contact__isnull=True).first()
    log_contact(channel="phone", agent=agent, ticket=stranger_call, summary="Teruggebeld, onbekende klant.")
    api_client = Client(HTTP_AUTHORIZATION=f"Bearer {w.tokens['coordinator']}")
    answer = api_client.post("/api/tickets", {"subject": "Via de API", "impact": "one", "urgency": "low"},
                             content_type="application/json")
    assert answer.status_code == 201, answer.content
    api_staff = Client(HTTP_AUTHORIZATION=f"Bearer {w.tokens['staff']}")
    answer_staff = api_staff.post("/api/tickets", {"subject": "Namens de klant", "agreement": agreement.code},
                                  content_type="application/json")
    assert answer_staff.status_code == 201, answer_staff.content
    return [portal, phone, chat, Ticket.objects.get(pk=answer.json()["id"]),
            Ticket.objects.get(pk=answer_staff.json()["id"])]


def _statuses(tickets: list[Ticket], agent) -> None:
    """Walk tickets through every status (new stays on the rest)."""
    known, stranger, html, files, stranger_files = tickets[:5]
    set_priority(known, actor=agent, impact="organisation", urgency="high", reason="crawl")
    assign_ticket(known, agent, actor=agent)
    change_status(known, "in_progress", actor=agent)
    request_information(html, "Welke versie?", actor=agent)
    change_status(files, "resolved", actor=agent)
    change_status(stranger_files, "closed", actor=agent)
    change_status(stranger, "in_progress", actor=agent)
    change_status(stranger, "waiting_customer", actor=agent)


def _triage(w: World, jan, agreement, invantive, agent) -> list[Ticket]:
    approved_case, _ = create_ticket(NewRequest(organisation=jan.organisation, agreement=agreement, contact=jan,
                                     subject="Advies rapportage", impact="one", urgency="low"))
    proposal = f.approved_proposal(approved_case)
    pending_case, _ = create_ticket(NewRequest(organisation=jan.organisation, agreement=agreement, contact=jan,
                                    subject="Advies export", impact="one", urgency="low"))
    pending_case = triage.convert_to_advisory(pending_case, actor=agent)
    draft = triage.draft_proposal(pending_case, actor=agent, hours="3", rate="95.00", description="Export bouwen")
    triage.send_proposal(draft, actor=agent)
    sent_back, _ = create_ticket(NewRequest(organisation=jan.organisation, agreement=agreement, contact=jan,
                                 subject="Onvolledig", impact="one", urgency="low"))
    triage.send_back(sent_back, actor=agent, note="Welke versie?")
    accepted, _ = create_ticket(NewRequest(organisation=jan.organisation, agreement=agreement, contact=jan,
                                subject="Geaccepteerd", impact="one", urgency="low"))
    triage.accept(accepted, actor=agent, reason="Bekend probleem")
    book_time(ticket=approved_case, agent=agent, minutes=90, rate="100.00")
    book_time(ticket=accepted, agent=agent, minutes=30)
    w.add("proposal", proposal, draft)

    coordinator = invantive.coordinator
    category, _ = create_ticket(NewRequest(organisation=invantive.organisation, agreement=invantive, contact=coordinator,
                                subject="Productie ligt stil", product="LN", product_version="10.7"))
    found = triage_requests.request_category(category, requested=_other_level(category), by=coordinator.user,
                                             motivation="Het hele magazijn staat stil sinds vanochtend.")
    key_ticket = triage_requests.request_licence_key(contact=coordinator, agreement_code=invantive.code,
                                                     version="10.7", product="LN")
    triage_requests.issue_licence_key(key_ticket, key="KEY-123", actor=agent)
    w.add("category_request", found)
    return [approved_case, pending_case, sent_back, accepted, category, key_ticket]


def _organised(jan, erpm, agent) -> list[Ticket]:
    """Issue 19 items 6 and 7: a tagged request in a round-robin team's queue, a related
    pair, and a duplicate merged into another."""
    team = Team.objects.create(name="ERP.M-team", round_robin=True)
    Membership.objects.create(team=team, user=agent)
    RoutingRule.objects.create(team=team, vendor="erpm", kind="change")
    made = [create_ticket(NewRequest(organisation=jan.organisation, agreement=erpm, contact=jan, kind=kind,
                                     subject=subject, impact="one", urgency="low"))[0]
            for kind, subject in (("change", "Getagd"), ("incident", "Hoofdmelding"), ("incident", "Dubbel"))]
    follow_up_pending()
    add_tag(made[0], "koppeling", actor=agent)
    link(made[0], made[1], actor=agent)
    merge(made[2], made[1], actor=agent)
    return made


def _more_shapes(w: World, jan, erpm, agent) -> list[Ticket]:
    """Planned, re-kinded, declined, ended-agreement, English-stranger and too-large shapes."""
    planned, _ = create_ticket(NewRequest(organisation=jan.organisation, agreement=erpm, contact=jan, kind="change",
                               subject="Nieuwe koppeling", impact="one", urgency="low"))
    plan_resolution(planned, timezone.now() + timedelta(days=14), actor=agent)
    rekinded, _ = create_ticket(NewRequest(organisation=jan.organisation, agreement=erpm, contact=jan,
                                subject="Eigenlijk een vraag", impact="one", urgency="low"))
    change_kind(rekinded, "question", actor=agent, reason="crawl")
    declined, _ = create_ticket(NewRequest(organisation=jan.organisation, agreement=erpm, contact=jan,
                                subject="Advies afgewezen", impact="one", urgency="low"))
    declined = triage.convert_to_advisory(declined, actor=agent)
    proposal = triage.draft_proposal(declined, actor=agent, hours="2", rate="95.00", description="Analyse")
    triage.send_proposal(proposal, actor=agent)
    triage.decide_proposal(proposal, approve=False, by=jan.user, note="Te duur")
    w.add("proposal", proposal)
    english = _ingested(_raw(sender="Someone <someone@abroad.test>", subject="Login does not work",
                             message_id="<en1@abroad.test>", body="The login page does not work for me."))
    # An agent set the kind in the admin: an advisory request without agreement.
    Ticket.objects.filter(pk=english.pk).update(kind="advisory")
    old_org = f.organisation("Oud BV")
    old_contact = f.contact(old_org, username="oud")
    ended = f.agreement(old_org, "erpm", "small", coordinator=old_contact, starts_on=date(2024, 1, 1),
                        ends_on=date(2024, 12, 31))
    on_ended, _ = create_ticket(NewRequest(organisation=old_org, agreement=ended, contact=old_contact, subject="Na het einde",
                                impact="one", urgency="low", received_at=f.ams(2024, 12, 30, 10, 0)))
    message = Message.objects.filter(attachments__isnull=False).first()
    attachments.hold(message, filename="groot.zip", content_type="application/zip", size=30 << 20, reason="size")
    w.add("agreement", ended)
    return [planned, rekinded, declined, english, on_ended]


def _other_level(ticket: Ticket) -> str:
    scheme = ticket.agreement.catalog.parsed().priority
    return next(level for level in scheme.levels if level != ticket.priority)


def _elite(w: World, org, agent) -> list[Ticket]:
    """Infor Xtreme Elite: a special-event weekend and remote consent."""
    coordinator = f.contact(org, username="delta")
    elite = f.agreement(org, "infor", "xtreme-elite", coordinator=coordinator)
    today = timezone.localdate()
    saturday = today + timedelta(days=(5 - today.weekday()) % 7 + 28)
    weekend = weekends.request_weekend(elite, saturday=saturday, by=coordinator.user)
    w.add("weekend", weekend)
    ticket, _ = create_ticket(NewRequest(organisation=org, agreement=elite, contact=coordinator, subject="Remote sessie",
                              channel="phone"))
    triage_requests.record_remote_consent(ticket, authorised_by="Delta CIO", authorised=True, present=True, actor=agent)
    w.add("agreement", elite)
    w.add("contact", coordinator)
    return [ticket]


def _bookings(w: World, jan, invantive, agent) -> None:
    for weekday in range(5):
        publish_availability(agent=agent, vendor="invantive", weekday=weekday, starts=time(8), ends=time(18),
                             hourly_rate="120.00")
    version = invantive.catalog
    slots = booking_selectors.slots(version, booking_selectors.settings_of(version), 30)
    booking = book_session(vendor="invantive", agent_id=slots[0].agent, minutes=30,
                           starts_at=datetime.fromtimestamp(slots[0].start, UTC), topic="Sessie",
                           name="", email="", contact=jan, agreement=invantive).booking
    anonymous = book_session(vendor="invantive", agent_id=slots[4].agent, minutes=30,
                             starts_at=datetime.fromtimestamp(slots[4].start, UTC), topic="Anoniem",
                             name="Passant", email="passant@elders.test").booking
    record_session(booking=booking, agent=agent, minutes=35, now=booking.ends_at + timedelta(minutes=10))
    cancel(booking=anonymous, by_vendor=True, actor=agent)
    w.add("booking", booking, anonymous)


def _knowledge(w: World, tickets: list[Ticket], jan, agent) -> None:
    article = create_article(language="nl", title="Orders komen niet binnen", body="Herstart de koppeling.",
                             author=agent)
    link_article(ticket=tickets[0], article=article, actor=agent)
    question = ask_question(author=jan.user, title="Hoe exporteer ik?", body="Naar Excel", language="nl",
                            vendor=jan.organisation.agreements.first().catalog.vendor)
    answer_question(question=question, author=agent, body="Via het menu.")
    idea = ideas.submit_idea(author=jan.user, title="Donkere modus", body="Graag",
                             vendor=jan.organisation.agreements.first().catalog.vendor)
    ideas.vote(idea=idea, user=jan.user)
    product = Product.objects.create(vendor="infor", slug="ln", name="Infor LN")
    release = Release.objects.create(product=product, version="10.7", state="lts", released_on=date(2026, 9, 1))
    w.add("question", question)
    w.add("idea", idea)
    w.add("release", release)
    w.add("article", article)
    return release


def build_world() -> World:
    """The whole desk; takes a second or two."""
    f.catalogs()
    agent = f.staff_user("crawl-agent")
    admin_user = get_user_model().objects.create_superuser("crawl-admin", "admin@vendor.test", "pw-admin-123")
    devries = f.organisation("Bakkerij De Vries")
    jan = f.contact(devries, username="jan")
    jan.email = "jan@devries.test"
    jan.save(update_fields=["email"])
    piet = f.contact(devries, coordinator=False, username="piet")
    piet.email = "piet@devries.test"
    piet.save(update_fields=["email"])
    erpm = f.agreement(devries, "erpm", "small", coordinator=jan)
    invantive = f.agreement(devries, "invantive", "subscription", coordinator=jan)
    zonder = f.organisation("Zonder BV")
    los = f.contact(zonder, username="los")
    los.email = "los@zonder.test"
    los.save(update_fields=["email"])
    acme = f.organisation("Acme", language="en")
    sofia = f.contact(acme, username="sofia")
    infor = f.agreement(acme, "infor", "xtreme", coordinator=sofia)
    delta = f.organisation("Delta", language="en")
    w = World(users={"staff": agent, "admin": admin_user, "coordinator": jan.user, "contact": piet.user,
                     "other": sofia.user, "anonymous": None})
    w.tokens = {role: f.token(user) for role, user in w.users.items() if user is not None}

    tickets = _mail_tickets(w, jan, piet, agent)
    _statuses(tickets, agent)
    tickets += _other_channels(w, jan, piet, erpm, agent)
    tickets += _triage(w, jan, erpm, invantive, agent)
    tickets += _elite(w, delta, agent)
    tickets += _more_shapes(w, jan, erpm, agent)
    tickets += _organised(jan, erpm, agent)
    _bookings(w, jan, invantive, agent)
    release = _knowledge(w, tickets, jan, agent)
    set_opt_in(contact=sofia, on=True)
    announce_critical_fix(release=release, title="Dataverlies", body="Installeer 10.7.1", actor=agent)
    Duty.objects.create(vendor="erpm", role="team_lead", user=agent)
    scan_alerts(now=timezone.now() + timedelta(days=30), full=True)
    _notifications(w, tickets, agent, admin_user, jan, erpm)
    save_view(owner=agent, name="Mijn open", query="status=new", shared=True)
    save_macro(actor=agent, name="Bedankt", body_nl="Bedankt {{ contact }}", body_en="Thanks", set_status="resolved")
    today = timezone.localdate()
    run_month(month=f"{today.year}-{today.month:02d}", today=today + timedelta(days=40))
    invoice = Invoice.objects.filter(organisation=devries).first()
    if invoice is not None:
        credit_invoice(invoice=invoice, reason="Crawl", today=today + timedelta(days=41))

    from meldpunt.bookings.models import Availability
    from meldpunt.desk.models import Macro, SavedView

    w.add("ticket", *tickets)
    w.add("ticket", *Ticket.objects.exclude(pk__in=[t.pk for t in tickets]))  # consultant and booking requests
    w.add("message", *Message.objects.all())
    w.add("attachment", *_attachments())
    w.add("follower", *Follower.objects.all())
    w.add("agreement", erpm, invantive, infor)
    w.add("contact", jan, piet, sofia)
    w.add("organisation", *Organisation.objects.all())
    w.add("catalog", *CatalogVersion.objects.all())
    w.add("invoice", *Invoice.objects.all())
    w.add("availability", *Availability.objects.all())
    w.add("saved_view", *SavedView.objects.all())
    w.add("macro", *Macro.objects.all())
    w.add("team", *Team.objects.all())
    w.ids = {kind: sorted(set(values)) for kind, values in w.ids.items()}
    return w


def _notifications(w: World, tickets: list[Ticket], agent, admin_user, jan, agreement) -> None:
    """Every kind of agent notification for the crawl's agent, and both ends of a reply to
    a resolved request (reopened) and to a closed one (a new request that follows it up)."""
    add_message(tickets[0], "@crawl-agent kun jij hiernaar kijken?", author=admin_user, public=False)
    for status, reply in (("resolved", "Het is toch niet opgelost."), ("closed", "Nog een vraag hierover.")):
        ticket, _ = create_ticket(NewRequest(organisation=jan.organisation, agreement=agreement, contact=jan,
                                             subject=f"Antwoord na {status}", impact="one", urgency="low"))
        assign_ticket(ticket, agent, actor=admin_user)
        change_status(ticket, status, actor=agent)
        tickets.append(customer_reply(ticket, reply, author=jan.user, channel="email").ticket)
        tickets.append(ticket)
    w.add("notification", *Notification.objects.all())


def _attachments():
    return Attachment.objects.values_list("pk", flat=True)
