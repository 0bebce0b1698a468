"""Exporting everything an organisation owns (issue 22 item 4), and the round trip of its
contract tables: export → import into an empty desk → the same data."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from meldpunt.billing.models import TimeEntry
from meldpunt.contracts.models import Agreement, AgreementAddon, Contact, Organisation
from meldpunt.tickets.models import Ticket
from meldpunt.transfer.export import json_pieces, write_zip
from meldpunt.transfer.importer import run_import
from meldpunt.transfer.readers import read_sheet
from tests.support import factories as f

pytestmark = pytest.mark.django_db


def _document(organisation) -> dict:
    return json.loads("".join(json_pieces(organisation)))


def test_the_json_holds_requests_thread_events_time_and_invoices_of_that_organisation_only():
    invoice = f.billed_october()
    organisation = invoice.organisation
    other = Organisation.objects.exclude(pk=organisation.pk).filter(tickets__isnull=False).first()
    tables = _document(organisation)["tables"]
    tickets = Ticket.objects.filter(organisation=organisation)
    assert {t["id"] for t in tables["tickets"]} == set(tickets.values_list("pk", flat=True)) != set()
    assert {m["ticket_id"] for m in tables["messages"]} <= {t["id"] for t in tables["tickets"]}
    assert tables["events"] and tables["clocks"] and tables["proposals"]
    own_time = TimeEntry.objects.filter(ticket__organisation=organisation).order_by("pk")
    assert [e["minutes"] for e in tables["time_entries"]] == [e.minutes for e in own_time]
    assert 90 in [e["minutes"] for e in tables["time_entries"]]
    assert [i["id"] for i in tables["invoices"]] == [invoice.pk]
    assert {line["invoice_id"] for line in tables["invoice_lines"]} == {invoice.pk}
    assert {c["email"] for c in tables["contacts"]} == set(organisation.contacts.values_list("email", flat=True))
    agreement = tables["agreements"][0]
    assert agreement["code"] == "ERPM-2026-0042" and "koppeling=3" in agreement["addons"]
    if other is not None:
        assert not {t["id"] for t in tables["tickets"]} & set(other.tickets.values_list("pk", flat=True))


def test_the_zip_has_a_csv_per_table_and_the_command_writes_both(tmp_path):
    invoice = f.billed_october()
    organisation = invoice.organisation
    call_command("export", "organisation", str(organisation.pk), "--format", "csv", "--out", str(tmp_path / "o.zip"))
    call_command("export", "organisation", str(organisation.pk), "--format", "json", "--out", str(tmp_path / "o.json"))
    with zipfile.ZipFile(tmp_path / "o.zip") as archive:
        names = archive.namelist()
        tickets = archive.read("tickets.csv").decode("utf-8").splitlines()
    assert {"organisations.csv", "contacts.csv", "agreements.csv", "tickets.csv", "messages.csv", "events.csv",
            "time_entries.csv", "invoices.csv", "invoice_lines.csv"} <= set(names)
    assert len(tickets) == 1 + Ticket.objects.filter(organisation=organisation).count()
    assert json.loads((tmp_path / "o.json").read_text())["tables"]["invoices"][0]["id"] == invoice.pk


def _snapshot() -> list:
    return [
        sorted(Organisation.objects.values_list("number", "name", "language")),
        sorted(Contact.objects.values_list("organisation__name", "name", "email", "phone", "language", "is_coordinator")),
        sorted(Agreement.objects.values_list("code", "organisation__name", "catalog__vendor", "catalog__version", "package",
                                             "coordinator__email", "starts_on", "ends_on", "declared_users",
                                             "declared_customisation_lines")),
        sorted((a.agreement.code, a.addon, a.quantity, tuple(a.names)) for a in AgreementAddon.objects.select_related("agreement")),
        sorted((a.code, json.dumps(a.target_overrides)) for a in Agreement.objects.all()),
    ]


def test_export_then_import_into_an_empty_desk_gives_the_same_data():
    f.catalogs()
    organisations = [f.organisation("Round BV"), f.organisation("Trip NV", language="en")]
    organisations[1].number = "T-2"
    organisations[1].save()
    for org in organisations:
        coordinator = f.contact(org)
        plain = f.contact(org, coordinator=False)
        plain.phone = "+31 6 1234"
        plain.save()
        agreement = f.agreement(org, "erpm", "medium", addons=["premium"], coordinator=coordinator,
                                ends_on=date(2027, 6, 30), declared_users=40,
                                target_overrides=[{"priority": "A", "response": "30m"}])
        AgreementAddon.objects.create(agreement=agreement, addon="koppeling", quantity=2, names=["Exact", "AFAS; B"])
    f.agreement(organisations[0], "invantive", "subscription")
    before = _snapshot()
    archives = []
    for org in organisations:
        stream = io.BytesIO()
        write_zip(org, stream)
        archives.append(stream.getvalue())
    AgreementAddon.objects.all().delete()
    Agreement.objects.all().delete()
    Contact.objects.all().delete()
    Organisation.objects.all().delete()
    get_user_model().objects.filter(is_staff=False).delete()
    assert _snapshot()[0] == []
    for kind in ("organisations", "contacts", "agreements"):
        for data in archives:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                sheet = read_sheet(io.BytesIO(archive.read(f"{kind}.csv")), f"{kind}.csv")
            report = run_import(kind, sheet, dry_run=False)
            assert report.refused == 0, report.as_dict()
    assert _snapshot() == before
