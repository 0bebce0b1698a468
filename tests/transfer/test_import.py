"""Importing organisations, contacts and agreements from CSV and Excel (issue 22 item 1):
the dry run reports what the real run then does; a second run changes nothing; the admin's
rules refuse a bad row with its row number, column and reason."""

from __future__ import annotations

import io
import json
from datetime import date

import pytest
from django.core.management import call_command
from openpyxl import Workbook

from meldpunt.contracts.models import Agreement, AgreementAddon, Contact, Organisation
from meldpunt.transfer.importer import run_import
from meldpunt.transfer.readers import FileError, read_sheet
from meldpunt.transfer.rows import format_addons, parse_addons
from tests.support import factories as f

pytestmark = pytest.mark.django_db

ORGANISATIONS = "number;name;language\nC001;Acme BV;nl\nC002;Beta Ltd;en\nC003;;nl\nC004;Gamma;xx\n"
CONTACTS = ("email,organisation,name,phone,language,coordinator\n"
            "Jan@Acme.test,C001,Jan Jansen,+31 20 123,nl,yes\n"
            "piet@acme.test,Acme BV,Piet,,,no\n"
            "kees@beta.test,C002,Kees,,en,ja\n"
            "nobody@x.test,C999,Nobody,,,\n")
AGREEMENTS = (
    "code,organisation,catalog,package,addons,starts_on,ends_on,coordinator,declared_users\n"
    "AGR-1,C001,erpm,medium,premium; koppeling=2: Exact Online | AFAS,2026-01-01,,jan@acme.test,30\n"
    "AGR-2,C002,erpm,small,koppeling=1: A | B,2026-01-01,,,10\n"
    "AGR-3,C002,erpm,small,,2026-02-01,2026-01-01,,\n"
    "AGR-4,C002,erpm,huge,,2026-02-01,,,\n"
    "AGR-5,C002,erpm,small,,2026-02-01,,jan@acme.test,30\n"
    "AGR-6,C002,invantive,subscription,premium,2026-02-01,,,\n"
    "AGR-7,C002,erpm,small,,31-01-2026,,kees@beta.test,26\n"
)


def _sheet(text: str, name: str = "file.csv"):
    return read_sheet(io.BytesIO(text.encode("utf-8-sig")), name)


def _import(kind: str, text: str, dry_run: bool = False):
    return run_import(kind, _sheet(text), dry_run=dry_run)


def _all():
    f.catalogs()
    return [_import(k, t) for k, t in (("organisations", ORGANISATIONS), ("contacts", CONTACTS), ("agreements", AGREEMENTS))]


def _outcomes(report) -> dict[int, tuple]:
    return {r.row: (r.outcome, r.column) for r in report.rows}


def test_the_dry_run_writes_nothing_and_reports_what_the_real_run_does():
    f.catalogs()
    dry = _import("organisations", ORGANISATIONS, dry_run=True)
    assert Organisation.objects.count() == 0
    real = _import("organisations", ORGANISATIONS)
    assert _outcomes(dry) == _outcomes(real) == {
        2: ("created", ""), 3: ("created", ""), 4: ("refused", "name"), 5: ("refused", "language")}
    assert sorted(Organisation.objects.values_list("number", "name", "language")) == [
        ("C001", "Acme BV", "nl"), ("C002", "Beta Ltd", "en")]


def test_every_refusal_names_row_column_and_the_admins_reason():
    reports = _all()
    contacts, agreements = reports[1], reports[2]
    assert _outcomes(contacts)[5] == ("refused", "organisation")
    refused = {r.row: (r.column, r.reason) for r in agreements.rows if r.outcome == "refused"}
    assert refused[3][0] == "addons" and "2 names for a quantity of 1" in refused[3][1]
    assert refused[4] == ("ends_on", "An agreement cannot end before it starts.")
    assert refused[5][0] == "package" and "small, medium, large" in refused[5][1]
    assert refused[6][0] == "coordinator"
    assert refused[7][0] == "addons" and "premium" in refused[7][1]
    assert set(refused) == {3, 4, 5, 6, 7}
    assert [r.warnings for r in agreements.rows if r.row == 8] == [["Limit exceeded: users: 26 declared, package allows 25"]]


def test_agreements_keep_catalog_package_addons_period_and_coordinator():
    _all()
    agreement = Agreement.objects.get(code="AGR-1")
    assert (agreement.organisation.number, agreement.catalog.vendor, agreement.package) == ("C001", "erpm", "medium")
    assert agreement.coordinator.email == "jan@acme.test" and agreement.starts_on == date(2026, 1, 1)
    assert agreement.ends_on is None and agreement.declared_users == 30
    assert sorted(agreement.addons.values_list("addon", "quantity", "names")) == [
        ("koppeling", 2, ["Exact Online", "AFAS"]), ("premium", 1, [])]
    assert Agreement.objects.get(code="AGR-7").starts_on == date(2026, 1, 31)
    contact = Contact.objects.get(email="jan@acme.test")
    assert contact.is_coordinator and contact.user.username == "jan@acme.test" and not contact.user.has_usable_password()


def test_a_second_run_changes_nothing():
    _all()
    before = (list(Organisation.objects.values()), list(Contact.objects.values()), list(Agreement.objects.values()),
              list(AgreementAddon.objects.values()))
    again = [_import(k, t) for k, t in (("organisations", ORGANISATIONS), ("contacts", CONTACTS), ("agreements", AGREEMENTS))]
    for report in again:
        assert report.counts["created"] == report.counts["changed"] == 0, report.as_dict()
    after = (list(Organisation.objects.values()), list(Contact.objects.values()), list(Agreement.objects.values()),
             list(AgreementAddon.objects.values()))
    assert before == after


def test_a_changed_row_changes_only_what_it_says():
    _all()
    report = _import("agreements", "code,package,addons,ends_on\nAGR-1,large,premium,2026-12-31\n")
    assert [(r.outcome, sorted(r.changed)) for r in report.rows] == [("changed", ["addons", "ends_on", "package"])]
    agreement = Agreement.objects.get(code="AGR-1")
    assert (agreement.package, agreement.ends_on, agreement.addon_ids()) == ("large", date(2026, 12, 31), ["premium"])
    assert agreement.coordinator.email == "jan@acme.test"  # its column was not in the file
    report = _import("organisations", "number,name\nC001,Acme Holding BV\n")
    assert report.rows[0].changed == ["name"] and Organisation.objects.get(number="C001").name == "Acme Holding BV"


def test_excel_files_import_like_csv():
    f.catalogs()
    book = Workbook()
    sheet = book.active
    sheet.append(["Number", "Name", "Language"])
    sheet.append(["X-1", "Excel BV", "en"])
    sheet.append([None, None, None])
    sheet.append([42, "Numbered BV", "nl"])
    data = io.BytesIO()
    book.save(data)
    data.seek(0)
    report = run_import("organisations", read_sheet(data, "orgs.xlsx"), dry_run=False)
    assert report.counts["created"] == 2
    assert sorted(Organisation.objects.values_list("number", flat=True)) == ["42", "X-1"]
    book = Workbook()
    book.active.append(["code", "organisation", "catalog", "package", "starts_on"])
    book.active.append(["XL-1", "X-1", "erpm", "small", date(2026, 3, 1)])
    data = io.BytesIO()
    book.save(data)
    data.seek(0)
    run_import("agreements", read_sheet(data, "a.xlsx"), dry_run=False)
    assert Agreement.objects.get(code="XL-1").starts_on == date(2026, 3, 1)


def test_a_file_that_cannot_be_read_is_one_clear_error():
    with pytest.raises(FileError):
        read_sheet(io.BytesIO(b"not a workbook"), "x.xlsx")
    with pytest.raises(FileError):
        read_sheet(io.BytesIO(b"a,b\n"), "x.pdf")
    with pytest.raises(FileError, match="unknown column"):
        run_import("organisations", _sheet("name,colour\nA,red\n"), dry_run=True)
    with pytest.raises(FileError, match="no column"):
        run_import("contacts", _sheet("name\nA\n"), dry_run=True)


def test_addons_read_and_write_the_same_text():
    lines = parse_addons("premium; koppeling=2: Exact Online | AFAS")
    assert [(a.addon, a.quantity, a.names) for a in lines] == [("premium", 1, ()), ("koppeling", 2, ("Exact Online", "AFAS"))]
    rows = [AgreementAddon(addon=a.addon, quantity=a.quantity, names=list(a.names)) for a in lines]
    assert parse_addons(format_addons(rows)) == sorted(lines, key=lambda a: a.addon)


def test_the_command_reports_rows_and_exits_1_on_a_refusal(tmp_path, capsys):
    f.catalogs()
    path = tmp_path / "orgs.csv"
    path.write_text(ORGANISATIONS, encoding="utf-8")
    with pytest.raises(SystemExit) as exit_:
        call_command("import", "organisations", str(path), "--dry-run")
    assert exit_.value.code == 1
    out = capsys.readouterr()
    assert "row 2: create C001" in out.out and "row 5: refuse C004 / Gamma — column language:" in out.out
    assert "rows" in out.err and "left" in out.err  # progress with an estimate
    path.write_text("number,name\nC001,Acme BV\n", encoding="utf-8")
    call_command("import", "organisations", str(path), "--json")
    report = json.loads(capsys.readouterr().out)
    assert report["counts"] == {"created": 1} and report["rows"][0]["row"] == 2
    call_command("import", "organisations", str(path), "--chunk", "1")
    assert "0 created, 0 changed, 1 unchanged, 0 refused" in capsys.readouterr().out


def test_the_admin_form_refuses_what_the_import_refuses_with_the_same_words():
    from django.contrib import admin as django_admin
    from django.test import RequestFactory

    _all()
    request = RequestFactory().get("/admin/")
    request.user = f.staff_user()
    model_admin = django_admin.site.get_model_admin(Agreement)
    form_class = model_admin.get_form(request)
    agreement = Agreement.objects.get(code="AGR-1")
    data = {"code": "AGR-9", "organisation": agreement.organisation_id, "catalog": agreement.catalog_id,
            "package": "medium", "starts_on": "2026-02-01", "ends_on": "2026-01-01",
            "declared_users": 0, "declared_customisation_lines": 0, "target_overrides": "[]"}
    form = form_class(data)
    assert not form.is_valid()
    report = _import("agreements", "code,organisation,catalog,package,starts_on,ends_on\n"
                                   "AGR-9,C001,erpm,medium,2026-02-01,2026-01-01\n")
    assert form.errors["ends_on"] == [report.rows[0].reason]
