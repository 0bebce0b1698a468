"""What the demo puts around the requests so every page has something to try: the vendors'
invoice details, escalation duties, bookable hours, products and releases, knowledge
articles in both languages, community questions and ideas.

Every item is looked up by a natural key before it is made, so loading twice changes nothing."""

from __future__ import annotations

from datetime import time, timedelta

from django.utils import timezone

from meldpunt.billing.models import VendorProfile
from meldpunt.bookings.models import Availability
from meldpunt.bookings.services import publish_availability
from meldpunt.escalation.models import Duty
from meldpunt.knowledge.ideas import set_status, submit_idea, vote
from meldpunt.knowledge.models import Article, Idea, Product, Question, Release
from meldpunt.knowledge.services import (
    accept_answer,
    answer_question,
    ask_question,
    create_article,
    write_version,
)

VENDOR_PROFILES = [
    # The demo vendors' invoice details: invented, but complete, so an invoice run can be tried.
    {"vendor": "erpm", "name": "ERP.M Demo B.V.", "address": "Stationsplein 1\n3511 ED Utrecht\nNederland",
     "vat_number": "NL000099998B57", "chamber_of_commerce": "99999998", "iban": "NL91ABNA0417164300",
     "email": "facturen@erpm.test"},
    {"vendor": "invantive", "name": "Invantive Demo B.V.", "address": "Hoofdstraat 10\n7311 AB Apeldoorn\nNederland",
     "vat_number": "NL000099997B57", "chamber_of_commerce": "99999997", "iban": "NL02RABO0123456789",
     "email": "billing@invantive.test"},
    {"vendor": "infor", "name": "Infor Demo Ltd", "address": "1 Example Way\nLondon EC1A 1AA\nUnited Kingdom",
     "vat_number": "GB999999973", "chamber_of_commerce": "09999997", "iban": "GB33BUKB20201555555555",
     "email": "billing@infor.test"},
]

PRODUCTS = [
    # (vendor, slug, name, [(version, state, days ago, notes)])
    ("invantive", "invantive-query-tool", "Invantive Query Tool", [
        ("24.0.12", "lts", 300, "Long-term support release."),
        ("25.0.3", "production", 40, "Exact Online: faster refresh of large divisions."),
    ]),
    ("erpm", "erpm-koppelingen", "ERP.M Koppelingen", [
        ("2026.2", "production", 60, "Shopify: orders with gift cards are imported."),
        ("2025.4", "eol", 400, ""),
    ]),
    ("infor", "infor-ln", "Infor LN", [("10.7", "production", 90, "Planning run: fewer locks.")]),
]

ARTICLES = [
    # (slug, product slug, visibility, {language: (title, body)})
    ("shopify-orders-stoppen", "erpm-koppelingen", "public", {
        "nl": ("Orders uit Shopify komen niet binnen",
               "Controleer eerst of de koppeling draait (Beheer › Koppelingen). Staat de status op 'gestopt', "
               "start de koppeling dan opnieuw. Blijven orders weg, meld dan een incident met het tijdstip "
               "van de laatste order die wel binnenkwam."),
        "en": ("Orders from Shopify do not arrive",
               "First check that the integration runs (Admin › Integrations). When its status is 'stopped', "
               "start it again. When orders still stay away, report an incident with the time of the last "
               "order that did arrive."),
    }),
    ("exact-online-refresh", "invantive-query-tool", "customers", {
        "en": ("Refreshing large Exact Online divisions",
               "Release 25.0 refreshes divisions in parallel. Upgrade to 25.0.3 or later, then refresh again."),
        "nl": ("Grote Exact Online-administraties verversen",
               "Release 25.0 ververst administraties parallel. Werk bij naar 25.0.3 of later en ververs opnieuw."),
    }),
]

QUESTIONS = [
    # (asker, vendor, language, title, body, answerer, answer, accepted)
    ("emma", "invantive", "en", "Can I schedule a refresh at night?",
     "We want our Exact Online data refreshed before office hours. Is there a scheduler?",
     "agent", "Yes: use the command line version with your system's scheduler (cron or Task Scheduler).", True),
    ("jan", "erpm", "nl", "Tweede magazijn en de Shopify-koppeling",
     "Werkt de koppeling ook als we een tweede magazijn openen?", "agent",
     "Ja, per magazijn stel je in welke voorraad naar Shopify gaat.", False),
]

IDEAS = [
    # (author, vendor, title, body, voters, (status, reply) or None)
    ("jan", "erpm", "Koppeling met Bol.com", "Graag een standaardkoppeling met Bol.com, net als die met Shopify.",
     ["jan"], ("planned", "Staat gepland voor release 2027.1.")),
    ("emma", "invantive", "Dark mode for the Query Tool", "Working late is easier on the eyes with a dark theme.",
     ["emma"], None),
]


def vendor_profiles() -> None:
    for profile in VENDOR_PROFILES:
        VendorProfile.objects.get_or_create(vendor=profile["vendor"], defaults=profile)


def duties(*, lead, manager) -> None:
    """Every vendor gets a team lead and a support manager, so escalations reach someone."""
    for vendor in ("erpm", "invantive", "infor"):
        Duty.objects.get_or_create(vendor=vendor, role="team_lead", user=lead)
        Duty.objects.get_or_create(vendor=vendor, role="support_manager", user=manager)


def availability(*, agent) -> None:
    """Bookable session hours: Tuesday and Thursday mornings for the vendor that sells sessions."""
    if Availability.objects.filter(agent=agent).exists():
        return
    for weekday in (1, 3):
        publish_availability(agent=agent, vendor="invantive", weekday=weekday, starts=time(9, 0), ends=time(12, 0),
                             valid_from=timezone.localdate())


def products() -> dict[str, Product]:
    today = timezone.localdate()
    made = {}
    for vendor, slug, name, releases in PRODUCTS:
        product, _ = Product.objects.get_or_create(slug=slug, defaults={"vendor": vendor, "name": name})
        for version, state, days_ago, notes in releases:
            Release.objects.get_or_create(product=product, version=version, defaults={
                "state": state, "released_on": today - timedelta(days=days_ago), "notes": notes})
        made[slug] = product
    return made


def articles(*, author, products: dict[str, Product]) -> None:
    for slug, product, visibility, texts in ARTICLES:
        if Article.objects.filter(slug=slug).exists():
            continue
        (first, (title, body)), *others = texts.items()
        article = create_article(title=title, body=body, language=first, author=author, visibility=visibility,
                                 product=products[product], slug=slug)
        for language, (title, body) in others:
            write_version(article=article, language=language, title=title, body=body, author=author)


def community(users: dict) -> None:
    for asker, vendor, language, title, body, answerer, answer, accepted in QUESTIONS:
        if Question.objects.filter(title=title).exists():
            continue
        question = ask_question(author=users[asker], title=title, body=body, language=language, vendor=vendor)
        reply = answer_question(question=question, author=users[answerer], body=answer)
        if accepted:
            accept_answer(question=question, answer=reply, actor=users[asker])


def ideas(users: dict) -> None:
    for author, vendor, title, body, voters, decision in IDEAS:
        if Idea.objects.filter(title=title).exists():
            continue
        idea = submit_idea(author=users[author], title=title, body=body, vendor=vendor)
        for voter in voters:
            vote(idea=idea, user=users[voter])
        if decision:
            set_status(idea=idea, status=decision[0], reply=decision[1], actor=users["agent"])


def load_content(users: dict) -> None:
    """Everything around the requests; ``users`` maps the demo logins to their users."""
    vendor_profiles()
    duties(lead=users["lisa"], manager=users["mark"])
    availability(agent=users["agent"])
    made = products()
    articles(author=users["agent"], products=made)
    community(users)
    ideas(users)

