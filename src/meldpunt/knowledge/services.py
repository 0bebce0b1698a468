"""Writes on the knowledge base and the community (HackSoft services: one action each).

Articles: a new text is a new version (the old one stays); agents link articles to
tickets and turn a good answer into an article. Community (seeds 000/001): questions are
not covered by any agreement, belong to one vendor's community (:mod:`.community`), staff
take part, and an agent turns a question that proves to be an incident into a ticket,
which then runs under the asker's agreement.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from meldpunt.contracts.models import Agreement
from meldpunt.contracts.selectors import contact_of, is_staff
from meldpunt.core.vocabulary import LANGUAGES
from meldpunt.knowledge.community import may_take_part, vendor_for
from meldpunt.knowledge.errors import KnowledgeError
from meldpunt.knowledge.models import Answer, Article, ArticleLink, ArticleVersion, Question
from meldpunt.tickets import events
from meldpunt.tickets.models import Message, Ticket
from meldpunt.tickets.registration import create_ticket
from meldpunt.tickets.requests import NewRequest


def _unique_slug(title: str) -> str:
    base = slugify(title)[:100] or "article"
    slug, n = base, 1
    while Article.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


@transaction.atomic
def write_version(*, article: Article, language: str, title: str, body: str, author=None) -> ArticleVersion:
    """Write a new version of ``article`` in ``language``; it becomes the current text."""
    if language not in LANGUAGES:
        raise KnowledgeError(_("language must be nl or en"))
    if not title.strip() or not body.strip():
        raise KnowledgeError(_("an article needs a title and a text"))
    Article.objects.select_for_update().filter(pk=article.pk).first()  # one writer per article
    last = ArticleVersion.objects.filter(article=article, language=language).aggregate(n=Max("number"))["n"] or 0
    ArticleVersion.objects.filter(article=article, language=language, is_current=True).update(is_current=False)
    return ArticleVersion.objects.create(
        article=article, language=language, number=last + 1, title=title.strip()[:300], body=body, author=author,
    )


@transaction.atomic
def create_article(
    *, title: str, body: str, language: str, author=None, visibility: str = "public", product=None,
    releases=(), source_message: Message | None = None, published: bool = True, slug: str = "",
) -> Article:
    if visibility not in ("public", "customers"):
        raise KnowledgeError(_("visibility must be public or customers"))
    article = Article.objects.create(
        slug=slug or _unique_slug(title), product=product, visibility=visibility, published=published,
        source_message=source_message, created_by=author,
    )
    if releases:
        article.releases.set(releases)
    write_version(article=article, language=language, title=title, body=body, author=author)
    return article


@transaction.atomic
def link_article(*, ticket: Ticket, article: Article, actor=None) -> tuple[ArticleLink, bool]:
    """Link an article to a ticket once; the ticket's event log records it."""
    link, created = ArticleLink.objects.get_or_create(article=article, ticket=ticket, defaults={"linked_by": actor})
    if created:
        events.record(ticket, "article_linked", actor=actor, article=article.pk, slug=article.slug)
    return link, created


@transaction.atomic
def article_from_message(
    *, message: Message, title: str, actor, language: str | None = None, visibility: str = "customers",
    body: str | None = None,
) -> Article:
    """Turn a good answer into an article (customers-only until an editor makes it public),
    and link it to the ticket the answer was given on."""
    if not is_staff(actor):
        raise KnowledgeError(_("only vendor staff write articles"))
    if not message.public or message.from_customer:
        raise KnowledgeError(_("only a public answer by the vendor can become an article"))
    ticket = message.ticket
    article = create_article(
        title=title, body=body if body is not None else message.body, language=language or ticket.language,
        author=actor, visibility=visibility, source_message=message,
    )
    link_article(ticket=ticket, article=article, actor=actor)
    return article


# -------------------------------------------------------------------- community
def ask_question(*, author, title: str, body: str, language: str = "en", product=None, vendor: str = "") -> Question:
    """Post a question in one vendor's community: ``vendor`` when the author chose one of
    theirs, else the vendor of their running agreements (see :func:`community.vendor_for`)."""
    if not author.is_authenticated:
        raise KnowledgeError(_("log in to ask a question"))
    if not title.strip() or not body.strip():
        raise KnowledgeError(_("a question needs a title and a description"))
    return Question.objects.create(author=author, title=title.strip()[:300], body=body, language=language, product=product,
                                   vendor=vendor_for(author, vendor))


def answer_question(*, question: Question, author, body: str) -> Answer:
    if not author.is_authenticated:
        raise KnowledgeError(_("log in to answer"))
    if not may_take_part(author, question.vendor):
        raise KnowledgeError(_("that question is in the community of another vendor"))
    if not body.strip():
        raise KnowledgeError(_("the answer is empty"))
    return Answer.objects.create(question=question, author=author, body=body, by_staff=is_staff(author))


@transaction.atomic
def accept_answer(*, question: Question, answer: Answer, actor) -> Question:
    """The asker (or staff) marks the answer that solved it."""
    if answer.question_id != question.pk:
        raise KnowledgeError(_("that answer belongs to another question"))
    if actor.pk != question.author_id and not is_staff(actor):
        raise KnowledgeError(_("only the asker or vendor staff accept an answer"))
    question.accepted_answer = answer
    question.save(update_fields=["accepted_answer"])
    return question


def _agreement_for(organisation, today) -> Agreement | None:
    return (
        Agreement.objects.filter(organisation=organisation, starts_on__lte=today)
        .exclude(ends_on__lt=today).order_by("-starts_on", "id").first()
    )


@transaction.atomic
def question_to_ticket(*, question: Question, actor, kind: str = "incident") -> Ticket:
    """An agent turns a community question into a ticket (it proved to be an incident).

    The ticket is the asker's, under their organisation's current agreement, received now:
    the service levels start when the vendor accepts it as a request, not when it was asked.
    """
    if not is_staff(actor):
        raise KnowledgeError(_("only vendor staff turn a question into a ticket"))
    question = Question.objects.select_for_update().get(pk=question.pk)
    if question.ticket_id:
        return question.ticket
    contact = contact_of(question.author)
    if contact is None:
        raise KnowledgeError(_("the asker is not a customer contact, so there is no agreement to register it under"))
    now = timezone.now()
    ticket, _created = create_ticket(NewRequest(
        organisation=contact.organisation, agreement=_agreement_for(contact.organisation, now.date()),
        contact=contact, kind=kind, subject=question.title, description=question.body,
        channel="portal", received_at=now, language=question.language,
        idempotency_key=f"community-question-{question.pk}",
    ), actor=actor)
    events.record(ticket, "from_community", actor=actor, question=question.pk)
    question.ticket = ticket
    question.save(update_fields=["ticket"])
    return ticket
