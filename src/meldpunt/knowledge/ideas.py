"""The ideas register (seeds 000/001: registration and follow-up of ideas).

Customers submit ideas and vote (once per user: a unique constraint, not only a check);
the vendor sets a status with a public reply and every follower hears of it. Submitting
or voting makes you a follower. An idea is for one vendor: only that vendor's customers see
it and vote (:mod:`.community`).
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import Count, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from meldpunt.contracts.selectors import contact_of, is_staff
from meldpunt.knowledge.community import may_take_part, vendor_for
from meldpunt.knowledge.models import IDEA_STATUSES, Idea, IdeaFollower, IdeaVote
from meldpunt.knowledge.notify import Recipient, notify
from meldpunt.knowledge.services import KnowledgeError

STATUSES = dict(IDEA_STATUSES)


def ideas_with_votes() -> QuerySet[Idea]:
    """Every idea with its ``vote_count`` (staff's view; others: :func:`community.visible_ideas`)."""
    return Idea.objects.annotate(vote_count=Count("votes", distinct=True))


def submit_idea(*, author, title: str, body: str, product=None, vendor: str = "") -> Idea:
    """Submit an idea for one vendor: ``vendor`` when the author chose one of theirs, else the
    vendor of their running agreements (see :func:`community.vendor_for`)."""
    if not author.is_authenticated:
        raise KnowledgeError(_("log in to submit an idea"))
    if not title.strip() or not body.strip():
        raise KnowledgeError(_("an idea needs a title and a description"))
    with transaction.atomic():
        idea = Idea.objects.create(author=author, title=title.strip()[:300], body=body, product=product,
                                   vendor=vendor_for(author, vendor))
        IdeaFollower.objects.create(idea=idea, user=author)
    return idea


def vote(*, idea: Idea, user) -> bool:
    """Vote for an idea; True when the vote counted, False when this user had already voted."""
    if not user.is_authenticated:
        raise KnowledgeError(_("log in to vote"))
    if not may_take_part(user, idea.vendor):
        raise KnowledgeError(_("that idea is for another vendor"))
    try:
        with transaction.atomic():
            IdeaVote.objects.create(idea=idea, user=user)
    except IntegrityError:
        return False
    IdeaFollower.objects.get_or_create(idea=idea, user=user)
    return True


def unvote(*, idea: Idea, user) -> bool:
    return IdeaVote.objects.filter(idea=idea, user=user).delete()[0] > 0


def vote_count(idea: Idea) -> int:
    return IdeaVote.objects.filter(idea=idea).count()


def follow(*, idea: Idea, user, on: bool = True) -> None:
    if on:
        if not may_take_part(user, idea.vendor):
            raise KnowledgeError(_("that idea is for another vendor"))
        IdeaFollower.objects.get_or_create(idea=idea, user=user)
    else:
        IdeaFollower.objects.filter(idea=idea, user=user).delete()


@transaction.atomic
def set_status(*, idea: Idea, status: str, reply: str, actor) -> int:
    """The vendor's decision with a public reply; followers get a notice and a mail.

    Returns how many followers were mailed. Each mail is in the follower's language when
    they are a customer contact, else in English.
    """
    if not is_staff(actor):
        raise KnowledgeError(_("only vendor staff set the status of an idea"))
    if status not in STATUSES or status == "new":
        raise KnowledgeError(_("status must be under_review, planned, done or declined"))
    if not reply.strip():
        raise KnowledgeError(_("say why, in a public reply"))
    idea = Idea.objects.select_for_update().get(pk=idea.pk)
    idea.status, idea.vendor_reply, idea.replied_at = status, reply.strip(), timezone.now()
    idea.save(update_fields=["status", "vendor_reply", "replied_at"])
    url = reverse("knowledge:idea", args=[idea.pk])
    sent = 0
    followers = IdeaFollower.objects.filter(idea=idea).select_related("user").exclude(user=actor)
    for follower in followers:
        user = follower.user
        contact = contact_of(user)
        language = contact.language if contact else "en"
        with override(language):
            title = _("Idea “%(title)s”: %(status)s") % {"title": idea.title, "status": STATUSES[status]}
            body = _("The vendor replied to an idea you follow:") + "\n\n" + idea.vendor_reply
        sent += notify([Recipient(contact.email if contact else user.email, user, language)],
                       title=title, body=body, url=url, kind="idea", vendor=idea.vendor)
    return sent
