"""The ideas register: one vote per user, vendor status with a public reply, followers told."""

import pytest
from django.core import mail
from django.db import IntegrityError, transaction

from meldpunt.knowledge.ideas import ideas_with_votes, set_status, submit_idea, unvote, vote, vote_count
from meldpunt.knowledge.models import IdeaVote, Notification
from meldpunt.knowledge.services import KnowledgeError
from tests.support import factories as f
from tests.support.factories import IMMEDIATE_TASKS


def erpm_customer(name: str | None = None, language: str = "nl", username: str | None = None):
    """A contact of a new organisation with an ERP.M agreement: the ideas above are ERP.M's."""
    org = f.organisation(name, language=language)
    f.agreement(org, "erpm", "small")
    return f.contact(org, username=username)


@pytest.fixture
def idea(db, settings):
    settings.TASKS = IMMEDIATE_TASKS  # the outbox mail is sent by a task after the commit
    org = f.organisation("Epsilon BV", language="nl")
    author = f.contact(org, username="ilse")
    f.agreement(org, "erpm", "small")
    return submit_idea(author=author.user, title="Export to Excel", body="One click export of any list.")


def test_each_user_votes_once(idea):
    a, b = f.contact(idea.author.contact.organisation).user, erpm_customer().user
    assert vote(idea=idea, user=a) is True
    assert vote(idea=idea, user=a) is False  # a second vote does not count
    assert vote(idea=idea, user=b) is True
    assert vote_count(idea) == 2
    assert ideas_with_votes().get(pk=idea.pk).vote_count == 2
    assert unvote(idea=idea, user=a) is True and vote_count(idea) == 1
    with pytest.raises(IntegrityError), transaction.atomic():  # the database refuses a twin too
        IdeaVote.objects.create(idea=idea, user=b)


def test_ideas_are_listed_by_votes(idea, client):
    other = submit_idea(author=f.staff_user(), title="Dark mode", body="Easier on the eyes.", vendor="erpm")
    for _ in range(2):
        vote(idea=other, user=erpm_customer().user)
    vote(idea=idea, user=erpm_customer().user)
    client.force_login(erpm_customer().user)
    page = client.get("/knowledge/ideas/")
    assert page.status_code == 200 and page.text.index("Dark mode") < page.text.index("Export to Excel")


def test_status_change_notifies_followers_in_app_and_by_mail(idea, django_capture_on_commit_callbacks):
    voter = erpm_customer("Zeta Ltd", language="en", username="victor")
    bystander = erpm_customer(username="bystander")
    vote(idea=idea, user=voter.user)  # voting makes you a follower
    staff = f.staff_user()
    with django_capture_on_commit_callbacks(execute=True):
        sent = set_status(idea=idea, status="planned", reply="Planned for release 25.1.", actor=staff)
    assert sent == 2
    idea.refresh_from_db()
    assert (idea.status, idea.vendor_reply) == ("planned", "Planned for release 25.1.")
    assert sorted(m.to[0] for m in mail.outbox) == sorted([idea.author.email, voter.email])
    by_to = {m.to[0]: m for m in mail.outbox}
    assert by_to[voter.email].subject == "Idea “Export to Excel”: Planned"
    assert by_to[idea.author.email].subject == "Idee “Export to Excel”: Gepland"  # the author reads Dutch
    assert "Planned for release 25.1." in by_to[voter.email].body
    assert Notification.objects.filter(user=voter.user).count() == 1
    assert not Notification.objects.filter(user=bystander.user).exists()


def test_only_staff_set_a_status_and_a_reply_is_required(idea):
    with pytest.raises(KnowledgeError):
        set_status(idea=idea, status="done", reply="Done.", actor=idea.author)
    with pytest.raises(KnowledgeError):
        set_status(idea=idea, status="done", reply=" ", actor=f.staff_user())


def test_vote_and_status_through_the_pages(idea, client, django_capture_on_commit_callbacks):
    voter = erpm_customer().user
    client.force_login(voter)
    client.post(f"/knowledge/ideas/{idea.pk}/act/", {"action": "vote"})
    client.post(f"/knowledge/ideas/{idea.pk}/act/", {"action": "vote"})
    assert vote_count(idea) == 1
    assert client.post(f"/knowledge/ideas/{idea.pk}/act/", {"action": "status", "status": "done", "reply": "x"}).status_code == 302
    idea.refresh_from_db()
    assert idea.status == "new"  # a customer cannot set the status
    client.force_login(f.staff_user())
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/knowledge/ideas/{idea.pk}/act/", {"action": "status", "status": "declined", "reply": "Out of scope."})
    page = client.get(f"/knowledge/ideas/{idea.pk}/")
    assert "Out of scope." in page.text and "Declined" in page.text and len(mail.outbox) == 2
