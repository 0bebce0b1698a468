"""Reads of the agent desk (HackSoft selectors)."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from meldpunt.desk.models import Macro, SavedView
from meldpunt.knowledge.models import ArticleLink, ArticleVersion
from meldpunt.tickets.models import Ticket
from meldpunt.tickets.selectors import visible_tickets


def visible_views(user) -> QuerySet[SavedView]:
    """The agent's own views and the views colleagues shared; a private view stays private."""
    return SavedView.objects.filter(Q(owner=user) | Q(shared=True, owner__is_active=True)).select_related("owner")


def own_view(user, pk: int) -> SavedView:
    """One of the agent's own views; anyone else's answers 404, shared or not."""
    view = SavedView.objects.filter(owner=user, pk=pk).first()
    if view is None:
        raise Http404("no such view")
    return view


def macros() -> QuerySet[Macro]:
    return Macro.objects.all()


def find_macro(pk) -> Macro | None:
    """The template with id ``pk``; None for junk or an id no template has (never an error)."""
    return Macro.objects.filter(pk=int(pk)).first() if str(pk).isdigit() and len(str(pk)) < 19 else None


def staff_ticket(user, pk: int) -> Ticket:
    """A ticket the (staff) user may work on, with what the console's ticket page and the
    desk panels read; 404 for anything else."""
    found = (visible_tickets(user).select_related("organisation", "contact", "agreement__catalog", "assignee")
             .prefetch_related("clocks").filter(pk=pk).first())
    if found is None:
        raise Http404("no such request")
    return found


def linked_articles(ticket: Ticket, language: str) -> list[dict]:
    """The articles linked to ``ticket``, each with its current title in ``language`` (else
    the other language), and whether the customer can open it (published)."""
    links = list(ArticleLink.objects.filter(ticket=ticket).select_related("article").order_by("linked_at", "id"))
    titles: dict[int, dict[str, str]] = {}
    for version in ArticleVersion.objects.filter(article__in=[x.article_id for x in links], is_current=True):
        titles.setdefault(version.article_id, {})[version.language] = version.title
    rows = []
    for link in links:
        texts = titles.get(link.article_id, {})
        lang = language if language in texts else next(iter(texts), language)
        rows.append({"article": link.article, "title": texts.get(lang, link.article.slug), "language": lang,
                     "public": link.article.published})
    return rows
