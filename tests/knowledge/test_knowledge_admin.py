"""Staff edit in the admin: an article text added there becomes a version; an idea's status
changed there notifies its followers like the page does."""

import pytest
from django.core import mail

from meldpunt.knowledge.ideas import submit_idea
from meldpunt.knowledge.models import ArticleVersion
from tests.support import factories as f


@pytest.fixture
def admin_client(db, client):
    admin = f.staff_user()
    admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    return client


def test_admin_pages_open(admin_client):
    for url in ("/admin/knowledge/article/add/", "/admin/knowledge/idea/", "/admin/knowledge/release/add/",
                "/admin/knowledge/question/", "/admin/reports/reportdelivery/"):
        assert admin_client.get(url).status_code == 200, url


def test_an_article_text_added_in_the_admin_is_version_one(admin_client):
    response = admin_client.post("/admin/knowledge/article/add/", {
        "slug": "hello", "visibility": "public", "published": "on",
        "versions-TOTAL_FORMS": "1", "versions-INITIAL_FORMS": "0", "versions-MIN_NUM_FORMS": "0",
        "versions-MAX_NUM_FORMS": "1000", "versions-0-language": "en", "versions-0-title": "Hello",
        "versions-0-body": "World",
    })
    assert response.status_code == 302
    version = ArticleVersion.objects.get()
    assert (version.number, version.is_current, version.title) == (1, True, "Hello")


def test_an_idea_status_set_in_the_admin_notifies_followers(admin_client, settings, django_capture_on_commit_callbacks):
    settings.TASKS = f.IMMEDIATE_TASKS  # the follower mail is sent from the outbox by a task
    org = f.organisation()
    f.agreement(org, "erpm", "small")
    idea = submit_idea(author=f.contact(org).user, title="Export", body="Any list.")
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(f"/admin/knowledge/idea/{idea.pk}/change/", {
            "title": "Export to Excel", "body": "Any list.", "status": "planned", "vendor_reply": "Next release.",
            "product": "", "vendor": "erpm",
        })
    assert response.status_code == 302
    idea.refresh_from_db()
    assert (idea.title, idea.status, idea.vendor_reply) == ("Export to Excel", "planned", "Next release.")
    assert [m.to for m in mail.outbox] == [[idea.author.email]]
