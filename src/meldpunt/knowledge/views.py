"""Knowledge base pages: search, an article, and (staff) articles on a ticket."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from meldpunt.accounts.access import language, staff_required
from meldpunt.knowledge.forms import ArticleFromAnswerForm, SearchForm, posted_id
from meldpunt.knowledge.models import Article, ArticleLink
from meldpunt.knowledge.search import search, visible_articles
from meldpunt.knowledge.services import KnowledgeError, article_from_message, link_article
from meldpunt.tickets.models import Message, Ticket


def _current_texts(articles, lang: str) -> list[tuple[Article, object]]:
    """Each article with its current text in ``lang``, else in the other language."""
    rows = []
    for article in articles.prefetch_related("versions"):
        texts = {v.language: v for v in article.versions.all() if v.is_current}
        text = texts.get(lang) or next(iter(texts.values()), None)
        if text is not None:
            rows.append((article, text))
    return rows


def index(request):
    if request.user.is_staff and request.GET.get("ticket", "").isdigit():
        return redirect("knowledge:ticket", pk=int(request.GET["ticket"]))
    form = SearchForm(request.GET or None, initial={"lang": language()})
    query, lang, hits = "", language(), None
    if form.is_valid():
        query, lang = form.cleaned_data["q"], form.cleaned_data["lang"] or language()
        if query.strip():
            hits = search(query, lang, request.user)
    recent = _current_texts(visible_articles(request.user).order_by("-id")[:10], language())
    return render(request, "knowledge/index.html", {"form": form, "query": query, "hits": hits, "recent": recent, "lang": lang})


def article(request, slug: str):
    item = visible_articles(request.user).select_related("product").filter(slug=slug).first()
    if item is None:
        raise Http404("no such article")
    current = {v.language: v for v in item.versions.filter(is_current=True)}
    lang = request.GET.get("lang") if request.GET.get("lang") in current else language()
    text = current.get(lang) or next(iter(current.values()), None)
    if text is None:
        raise Http404("article has no text")
    history = item.versions.filter(language=text.language).order_by("-number") if request.user.is_staff else []
    return render(request, "knowledge/article.html", {
        "article": item, "text": text, "languages": sorted(current), "history": history,
        "releases": item.releases.select_related("product"),
    })


@staff_required
def ticket_articles(request, pk: int):
    """Staff: the articles linked to a ticket, search to link more, answers to turn into articles."""
    ticket = get_object_or_404(Ticket, pk=pk)
    if request.method == "POST":
        item = get_object_or_404(Article, pk=posted_id(request.POST.get("article")))
        _link, created = link_article(ticket=ticket, article=item, actor=request.user)
        if created:
            messages.success(request, _("Article linked to the ticket."))
        return redirect("knowledge:ticket", pk=pk)
    query = request.GET.get("q", "")
    hits = search(query, ticket.language, request.user) if query.strip() else None
    links = ArticleLink.objects.filter(ticket=ticket).select_related("article").order_by("linked_at")
    answers = ticket.messages.filter(public=True, from_customer=False).order_by("created_at")
    return render(request, "knowledge/ticket.html", {
        "ticket": ticket, "links": _current_texts(Article.objects.filter(pk__in=[x.article_id for x in links]), ticket.language),
        "hits": hits, "query": query, "answers": answers,
    })


@staff_required
def from_message(request, pk: int):
    """Staff: turn a good answer into an article (linked to its ticket)."""
    message = get_object_or_404(Message.objects.select_related("ticket"), pk=pk, public=True, from_customer=False)
    form = ArticleFromAnswerForm(request.POST or None, initial={
        "title": message.ticket.subject, "body": message.body, "language": message.ticket.language,
    })
    if request.method == "POST" and form.is_valid():
        try:
            item = article_from_message(message=message, actor=request.user, **form.cleaned_data)
        except KnowledgeError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The answer is now an article and linked to the ticket."))
            return redirect("knowledge:article", slug=item.slug)
    return render(request, "knowledge/from_message.html", {"form": form, "message": message}, status=400 if form.errors else 200)


@staff_required
@require_POST
def unlink(request, pk: int):
    ArticleLink.objects.filter(ticket_id=pk, article_id=posted_id(request.POST.get("article"))).delete()
    return redirect("knowledge:ticket", pk=pk)
