"""One address, one organisation (issue 16): a contact's address is unique across all
organisations, in any case, in the database; every way of adding one refuses a taken
address without saying whose it is; contacts that shared an address before the rule are
kept, reported and left out of mail matching."""

import io
from contextlib import redirect_stdout

import pytest
from django.contrib.auth import get_user_model
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.utils import translation

from meldpunt.contracts.models import Contact
from meldpunt.contracts.services import ContactError, add_contact
from tests.support import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def taken():
    """Beta BV's contact at beta-boss@beta.test; Alpha BV's coordinator logged in elsewhere."""
    alpha, beta = f.organisation("Alpha BV"), f.organisation("Beta BV")
    boss = Contact.objects.create(organisation=beta, name="Beta Boss", email="Beta-Boss@Beta.test")
    return {"alpha": alpha, "beta": beta, "boss": boss, "a_coord": f.contact(alpha)}


def test_addresses_are_kept_lower_cased(taken):
    assert Contact.objects.get(pk=taken["boss"].pk).email == "beta-boss@beta.test"


def test_the_database_refuses_a_second_contact_with_an_address_in_another_case(taken):
    with pytest.raises(IntegrityError), transaction.atomic():
        Contact.objects.bulk_create([Contact(organisation=taken["alpha"], name="Twin", email="BETA-BOSS@beta.test")])


def test_the_portal_form_refuses_another_organisations_address_without_naming_it(client, taken):
    client.force_login(taken["a_coord"].user)
    response = client.post("/portal/contacts/", {"name": "Spy", "email": "BETA-boss@beta.TEST", "language": "en"})
    html = response.content.decode()
    assert response.status_code == 400 and "This address is already in use." in html
    assert "Beta" not in html.replace("BETA-boss@beta.TEST", "")  # the organisation is not named
    assert Contact.objects.filter(email="beta-boss@beta.test").count() == 1
    response = client.post("/portal/contacts/", {"name": "Spy", "email": "beta-boss@beta.test", "language": "nl"},
                           HTTP_ACCEPT_LANGUAGE="nl")
    assert "Dit adres is al in gebruik." in response.content.decode()


@translation.override("en")
def test_the_service_refuses_it_and_a_new_address_is_added(taken):
    with pytest.raises(ContactError, match="This address is already in use."):
        add_contact(organisation=taken["alpha"], name="Spy", email=" Beta-BOSS@beta.test ")
    added = add_contact(organisation=taken["alpha"], name="Nina", email="Nina@Alpha.test")
    assert added.email == "nina@alpha.test" and added.user.username == "nina@alpha.test"
    with pytest.raises(ContactError, match="This address is already in use."):  # own organisation too
        add_contact(organisation=taken["alpha"], name="Nina again", email="NINA@alpha.test")
    assert get_user_model().objects.filter(username__iexact="nina@alpha.test").count() == 1


def test_the_admin_refuses_it_on_the_contact_and_in_the_organisation_page(client, taken):
    client.force_login(get_user_model().objects.create_superuser("root", "root@vendor.test", "pw-root-123"))
    response = client.post("/admin/contracts/contact/add/", {
        "organisation": taken["alpha"].pk, "name": "Spy", "email": "beta-BOSS@beta.test", "language": "nl"})
    assert response.status_code == 200 and "This address is already in use." in response.content.decode()
    inline = {
        "name": "Gamma BV", "language": "nl",
        "contacts-TOTAL_FORMS": "2", "contacts-INITIAL_FORMS": "0", "contacts-MIN_NUM_FORMS": "0",
        "contacts-MAX_NUM_FORMS": "1000",
        "contacts-0-name": "One", "contacts-0-email": "twin@gamma.test", "contacts-0-language": "nl",
        "contacts-1-name": "Two", "contacts-1-email": "TWIN@gamma.test", "contacts-1-language": "nl",
    }
    response = client.post("/admin/contracts/organisation/add/", inline)
    assert response.status_code == 200 and "This address is already in use." in response.content.decode()
    inline["contacts-1-email"] = "beta-boss@BETA.test"
    response = client.post("/admin/contracts/organisation/add/", inline)
    assert response.status_code == 200 and "This address is already in use." in response.content.decode()
    assert not Contact.objects.filter(organisation__name="Gamma BV").exists()
    # Editing a contact without changing the address is fine.
    response = client.post(f"/admin/contracts/contact/{taken['boss'].pk}/change/", {
        "organisation": taken["beta"].pk, "name": "Beta Boss Sr.", "email": "beta-boss@beta.test", "language": "en"})
    assert response.status_code == 302 and Contact.objects.get(pk=taken["boss"].pk).name == "Beta Boss Sr."


def _migrate(target):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([target])


@pytest.mark.django_db(transaction=True)
def test_the_migration_reports_shared_addresses_and_succeeds():
    """On a database from before the rule, with one address shared in different case across
    organisations (and a third holder), the migration marks all but the oldest, prints the
    list and adds the index; the marked contacts stay, and new clashes are refused."""
    _migrate(("contracts", "0001_initial"))
    try:
        old = MigrationExecutor(connection).loader.project_state(("contracts", "0001_initial")).apps
        Organisation, OldContact = old.get_model("contracts", "Organisation"), old.get_model("contracts", "Contact")
        a, b = Organisation.objects.create(name="Alpha BV"), Organisation.objects.create(name="Beta BV")
        first = OldContact.objects.create(organisation=a, name="Jan", email="jan@shared.test")
        OldContact.objects.create(organisation=b, name="Jan B", email="JAN@Shared.test")
        OldContact.objects.create(organisation=b, name="Jan C", email="Jan@shared.test")
        OldContact.objects.create(organisation=a, name="Solo", email="solo@alpha.test")
        out = io.StringIO()
        with redirect_stdout(out):
            _migrate(("contracts", "0002_one_contact_per_address"))
    finally:
        # Back to the newest of every app: going back to contracts 0001 also unapplied the
        # migrations of other apps that depend on contracts (followers, teams, upgrades, …).
        MigrationExecutor(connection).migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    report = out.getvalue()
    assert "Contacts sharing an address (case ignored): 1 address(es)." in report
    assert "jan@shared.test: #" in report and "(Alpha BV)" in report and "(Beta BV)" in report
    assert "solo@alpha.test" not in report
    rows = list(Contact.objects.filter(email__iexact="jan@shared.test").order_by("pk").values_list("pk", "duplicate_address"))
    assert rows == [(first.pk, False), (rows[1][0], True), (rows[2][0], True)]
    with pytest.raises(IntegrityError), transaction.atomic():
        Contact.objects.create(organisation=Contact.objects.get(pk=first.pk).organisation, name="New", email="jan@SHARED.test")


def test_a_shared_address_keeps_one_holder_when_contacts_change_or_leave(taken):
    """When the holder of a shared address leaves, the next contact with it takes its place
    under the index; a marked contact that gets its own address is a plain contact again."""
    beta, boss = taken["beta"], taken["boss"]
    second = Contact.objects.create(organisation=beta, name="B2", email="b2@beta.test")
    third = Contact.objects.create(organisation=beta, name="B3", email="b3@beta.test")
    # As the migration leaves them: the two later ones repeat the boss's address.
    Contact.objects.filter(pk__in=[second.pk, third.pk]).update(email="beta-boss@beta.test", duplicate_address=True)
    boss.delete()
    assert list(Contact.objects.filter(pk__in=[second.pk, third.pk]).order_by("pk")
                .values_list("duplicate_address", flat=True)) == [False, True]
    third.refresh_from_db()
    third.email = "b3@beta.test"
    third.save()
    third.refresh_from_db()
    assert third.duplicate_address is False
    second.refresh_from_db()
    second.email = "B3@beta.test"  # a changed address is checked like a new one
    with pytest.raises(IntegrityError), transaction.atomic():
        second.save()


def test_the_admin_lists_the_contacts_that_still_share_an_address(client, taken):
    twin = Contact.objects.create(organisation=taken["alpha"], name="Twin Spy", email="twin@alpha.test")
    Contact.objects.filter(pk=twin.pk).update(email="BETA-BOSS@beta.test", duplicate_address=True)
    client.force_login(get_user_model().objects.create_superuser("root", "root@vendor.test", "pw-root-123"))
    html = client.get("/admin/contracts/contact/?shared=yes").content.decode()
    assert "Twin Spy" in html and "Beta Boss" in html and taken["a_coord"].name not in html
