"""Community questions and the ideas register of the vendors a customer has agreements with.

Lists and pages show only what :mod:`meldpunt.knowledge.community` lets the person see;
another vendor's question or idea answers 404 (its page, answering, voting), as another
organisation's ticket does. Staff see all.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.db.models import Count, Exists, OuterRef
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from meldpunt.accounts.access import language
from meldpunt.contracts.selectors import contact_of, is_staff, visible_agreements
from meldpunt.contracts.vocabulary_words import kind_label
from meldpunt.knowledge import ideas as idea_services
from meldpunt.knowledge.community import vendors_of, visible_ideas, visible_questions
from meldpunt.knowledge.forms import AnswerForm, IdeaForm, IdeaStatusForm, QuestionForm, posted_id
from meldpunt.knowledge.models import IDEA_STATUSES, IdeaFollower, IdeaVote, Question
from meldpunt.knowledge.services import (
    KnowledgeError,
    accept_answer,
    answer_question,
    ask_question,
    question_to_ticket,
)
from meldpunt.tickets.services import TicketError


def coverage(user) -> list[dict]:
    """What the user's agreements cover as requests (SPEC §6: say clearly what is covered)."""
    if contact_of(user) is None:
        return []
    rows = []
    for agreement in visible_agreements(user):
        package = agreement.catalog.parsed().package(agreement.package)
        rows.append({"agreement": agreement, "covers": [kind_label(k, language()) for k in sorted(package.covers)]})
    return rows


def _several_vendors(user) -> bool:
    """Whether the lists mark each row's vendor: for staff, and customers of several vendors."""
    vendors = vendors_of(user)
    return vendors is None or len(vendors) > 1


def community(request):
    form = QuestionForm(request.POST or None, user=request.user, initial={"language": language()})
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if form.is_valid():
            try:
                question = ask_question(author=request.user, **form.cleaned_data)
            except KnowledgeError as exc:
                form.add_error(None, str(exc))
            else:
                return redirect("knowledge:question", pk=question.pk)
    questions = visible_questions(request.user).select_related("accepted_answer").annotate(answer_count=Count("answers"))[:50]
    return render(request, "knowledge/community.html", {
        "form": form, "questions": questions, "coverage": coverage(request.user),
        "show_vendor": _several_vendors(request.user),
    }, status=400 if form.errors else 200)


def question(request, pk: int):
    item = get_object_or_404(visible_questions(request.user).select_related("ticket", "author"), pk=pk)
    form = AnswerForm(request.POST or None)
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        try:
            _act(request, item, form)
        except (KnowledgeError, TicketError) as exc:
            messages.error(request, str(exc))
        else:
            if not form.errors:
                return redirect("knowledge:question", pk=pk)
    answers = item.answers.select_related("author")
    return render(request, "knowledge/question.html", {
        "question": item, "answers": answers, "form": form, "coverage": coverage(request.user),
        "may_accept": request.user.is_authenticated and (request.user.pk == item.author_id or is_staff(request.user)),
        "shows_ticket": item.ticket_id and (is_staff(request.user) or request.user.pk == item.author_id),
    }, status=400 if form.errors else 200)


def _act(request, item: Question, form: AnswerForm) -> None:
    action = request.POST.get("action", "answer")
    if action == "accept":
        answer = get_object_or_404(item.answers, pk=posted_id(request.POST.get("answer")))
        accept_answer(question=item, answer=answer, actor=request.user)
        messages.success(request, _("Answer accepted."))
    elif action == "ticket":
        ticket = question_to_ticket(question=item, actor=request.user)
        messages.success(request, _("Registered as ticket #%(number)s under the asker's agreement.") % {"number": ticket.pk})
    elif form.is_valid():
        answer_question(question=item, author=request.user, body=form.cleaned_data["body"])


def ideas(request):
    form = IdeaForm(request.POST or None, user=request.user)
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if form.is_valid():
            try:
                idea = idea_services.submit_idea(author=request.user, **form.cleaned_data)
            except KnowledgeError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Thank you; you follow your idea and hear when its status changes."))
                return redirect("knowledge:idea", pk=idea.pk)
    status = request.GET.get("status", "")
    items = visible_ideas(request.user).order_by("-vote_count", "-id")
    if status in dict(IDEA_STATUSES):
        items = items.filter(status=status)
    if request.user.is_authenticated:
        items = items.annotate(voted=Exists(IdeaVote.objects.filter(idea=OuterRef("pk"), user=request.user)))
    return render(request, "knowledge/ideas.html", {
        "form": form, "ideas": items[:100], "statuses": IDEA_STATUSES, "status": status,
        "show_vendor": _several_vendors(request.user),
    }, status=400 if form.errors else 200)


def idea(request, pk: int):
    item = get_object_or_404(visible_ideas(request.user), pk=pk)
    user = request.user
    voted = user.is_authenticated and IdeaVote.objects.filter(idea=item, user=user).exists()
    following = user.is_authenticated and IdeaFollower.objects.filter(idea=item, user=user).exists()
    return render(request, "knowledge/idea.html", {
        "idea": item, "voted": voted, "following": following,
        "status_form": IdeaStatusForm(initial={"status": item.status if item.status != "new" else "under_review"}),
    })


@login_required
@require_POST
def idea_action(request, pk: int):
    item = get_object_or_404(visible_ideas(request.user), pk=pk)
    action = request.POST.get("action")
    try:
        if action == "vote":
            if not idea_services.vote(idea=item, user=request.user):
                messages.info(request, _("You already voted for this idea."))
        elif action == "unvote":
            idea_services.unvote(idea=item, user=request.user)
        elif action in ("follow", "unfollow"):
            idea_services.follow(idea=item, user=request.user, on=action == "follow")
        elif action == "status":
            form = IdeaStatusForm(request.POST)
            if not form.is_valid():
                raise KnowledgeError(_("Choose a status and write a public reply."))
            sent = idea_services.set_status(idea=item, actor=request.user, **form.cleaned_data)
            messages.success(request, _("Status saved; %(count)s followers notified.") % {"count": sent})
    except KnowledgeError as exc:
        messages.error(request, str(exc))
    return redirect("knowledge:idea", pk=pk)
