"""Saved queue views: an agent saves the queue's filter and sort under a name, shares it with
the team or keeps it private, renames and deletes their own; bad input gets a clear error."""

import pytest

from meldpunt.desk.models import SavedView
from meldpunt.desk.services import DeskError, normalise_query, save_view
from tests.support import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def agent(client, desk):
    client.force_login(desk["staff"])
    return client


def test_a_view_keeps_only_the_queue_parameters_in_a_fixed_order(desk):
    org = desk["org_a"].pk
    assert normalise_query(f"?organisation={org}&kind=incident&cursor=d.1.2&queue=mine") == \
        f"queue=mine&kind=incident&organisation={org}"
    assert normalise_query("") == "queue=all"
    assert normalise_query("sort=deadline&status=") == "queue=all"  # defaults and empty values drop out
    assert normalise_query("sort=newest") == "queue=all&sort=newest"


def test_unknown_parameters_and_bad_values_are_refused_with_their_names(desk):
    with pytest.raises(DeskError, match="utm_source"):
        normalise_query("queue=all&utm_source=mail")
    with pytest.raises(DeskError, match="Status"):
        normalise_query("status=bogus")
    with pytest.raises(DeskError, match="Organisation"):
        normalise_query("organisation=999999999")
    assert normalise_query("status=bogus&kind=incident&x=1", lenient=True) == "queue=all&kind=incident"


def test_saving_the_current_queue_shows_it_as_a_tab_and_opens_it(agent, desk):
    response = agent.post("/console/views/", {"name": "  Mijn   incidenten ", "query": "queue=mine&kind=incident&cursor=x"})
    assert response.status_code == 302
    assert response["Location"] == "/console/?queue=mine&kind=incident"
    view = SavedView.objects.get(owner=desk["staff"])
    assert (view.name, view.query, view.shared) == ("Mijn incidenten", "queue=mine&kind=incident", False)
    html = agent.get("/console/?kind=incident&queue=mine").content.decode()
    assert 'aria-label="Saved views"' in html
    assert f'data-view="{view.pk}" aria-current="page"' in html  # the same filter in another order is this view
    assert f'data-view="{view.pk}" aria-current' not in agent.get("/console/?queue=all").content.decode()


def test_the_save_form_on_the_queue_carries_the_current_filter(agent, desk):
    html = agent.get(f"/console/?queue=triage&kind=question&cursor=d.1.1&organisation={desk['org_b'].pk}").content.decode()
    assert f'name="query" value="queue=triage&amp;kind=question&amp;organisation={desk["org_b"].pk}"' in html


def test_names_are_unique_per_owner_whatever_the_case(agent, desk):
    save_view(owner=desk["staff"], name="Breached", query="queue=breached")
    response = agent.post("/console/views/", {"name": "breached", "query": "queue=all"})
    assert response.status_code == 400
    assert "You already have a view called" in response.content.decode()
    colleague = f.staff_user()
    save_view(owner=colleague, name="Breached", query="queue=breached")  # another agent may use the name
    assert SavedView.objects.filter(name__iexact="breached").count() == 2


@pytest.mark.parametrize(("data", "message"), [
    ({"name": "x" * 61, "query": "queue=all"}, "at most 60 characters"),
    ({"name": "", "query": "queue=all"}, "This field is required"),
    ({"name": "   ", "query": "queue=all"}, "This field is required"),
    ({"name": "Ok", "query": "queue=all&evil=1"}, "Unknown filter in the view: evil"),
    ({"name": "Ok", "query": "queue=nowhere"}, "Not a valid value for"),
    ({"name": "Ok", "query": "queue=all&kind=" + "x" * 2000}, "Ensure this value has at most"),
])
def test_bad_input_gets_a_clear_form_error_and_no_500(agent, desk, data, message):
    response = agent.post("/console/views/", data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert 'role="alert"' in response.content.decode()
    assert not SavedView.objects.exists()


def test_rename_share_and_delete_own_views(agent, desk):
    view = save_view(owner=desk["staff"], name="Triage A", query="queue=triage")
    response = agent.post(f"/console/views/{view.pk}/", {"name": "Triage Alpha", "shared": "on"})
    assert response.status_code == 302
    view.refresh_from_db()
    assert (view.name, view.shared, view.query) == ("Triage Alpha", True, "queue=triage")
    assert agent.post(f"/console/views/{view.pk}/", {"name": ""}).status_code == 400
    assert agent.post(f"/console/views/{view.pk}/delete/").status_code == 302
    assert not SavedView.objects.filter(pk=view.pk).exists()


def test_a_shared_view_shows_for_colleagues_and_a_private_one_does_not(client, desk):
    owner = desk["staff"]
    shared = save_view(owner=owner, name="Team breached", query="queue=breached", shared=True)
    private = save_view(owner=owner, name="My secret list", query="queue=mine")
    client.force_login(f.staff_user())
    html = client.get("/console/").content.decode()
    assert "Team breached" in html and f"({owner.get_username()})" in html
    assert "My secret list" not in html
    assert "My secret list" not in client.get("/console/views/").content.decode()
    # Neither can a colleague change or delete either view: both answer 404.
    for view in (shared, private):
        assert client.get(f"/console/views/{view.pk}/").status_code == 404
        assert client.post(f"/console/views/{view.pk}/", {"name": "Mine now", "shared": "on"}).status_code == 404
        assert client.post(f"/console/views/{view.pk}/delete/").status_code == 404
    assert SavedView.objects.filter(owner=owner).count() == 2
    assert SavedView.objects.get(pk=private.pk).name == "My secret list"


def test_customers_and_strangers_never_reach_saved_views(client, desk):
    view = save_view(owner=desk["staff"], name="Shared", query="queue=all", shared=True)
    urls = ["/console/views/", f"/console/views/{view.pk}/", f"/console/views/{view.pk}/delete/"]
    for url in urls:
        assert client.post(url).status_code == 302  # to the login page
    client.force_login(desk["a_coord"].user)
    for url in urls:
        assert client.get(url).status_code in (404, 405)
        assert client.post(url, {"name": "x", "query": "queue=all"}).status_code == 404
    assert SavedView.objects.count() == 1


def test_the_views_page_speaks_dutch(agent, desk):
    agent.cookies["django_language"] = "nl"
    save_view(owner=desk["staff"], name="Alles", query="queue=all")
    html = agent.get("/console/views/").content.decode()
    assert "Opgeslagen weergaven" in html and "Alleen u" in html
