"""Issue 21: a management command run through ``meldpunt`` speaks the command's language (the
shell's locale, ``LANG=nl_NL.UTF-8`` is Dutch; else English) in its refusals and summaries;
each bad argument stays one line with exit status 2; what it stores does not follow the shell."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.management import call_command
from django.utils import translation
from tests.core.test_cli_commands import meldpunt_run
from tests.tickets.test_calendar_changes import _ticket

from meldpunt.contracts.models import ClosedDay

#: (command line, English line, Dutch line): refused before any database is touched
REFUSALS = [
    (["invoice-run", "--month", "2026-01", "--date", "notadate"],
     "--date: 'notadate' is not a date such as 2026-11-01", "--date: 'notadate' is geen datum zoals 2026-11-01"),
    (["invoice-run", "--month", "soon"], "--month: 'soon' is not a month such as 2026-10",
     "--month: 'soon' is geen maand zoals 2026-10"),
    (["report", "--organisation", "1", "--period", "x"], "--period: 'x' is not a period like 2026Q3, 2026-07 or 2026",
     "--period: 'x' is geen periode zoals 2026Q3, 2026-07 of 2026"),
    (["import", "helpdesk", "--url", "desk.example.com", "--token", "t"],
     "--url 'desk.example.com' is not an http(s) address such as https://desk.example.com",
     "--url 'desk.example.com' is geen http(s)-adres zoals https://desk.example.com"),
    (["prune", "--chunk", "0"], "--chunk: must be 1 or more", "--chunk: moet 1 of meer zijn"),
    (["serve", "--workers", "0"], "--workers: at least 1", "--workers: minstens 1"),
    (["issue-token", "anna", "--name", " "], "--name: give a name of 1 to 100 characters",
     "--name: geef een naam van 1 tot 100 tekens"),
    (["closed-day", "--vendor", "erpm", "--calendar", "workdays", "--add", "24-12-2026"],
     "--add: '24-12-2026' is not a date such as 2026-12-24", "--add: '24-12-2026' is geen datum zoals 2026-12-24"),
    (["recompute-clocks", "--vendor", "erpm", "--calendar", "workdays", "--day", "soon"],
     "--day: 'soon' is not a date such as 2026-12-24", "--day: 'soon' is geen datum zoals 2026-12-24"),
    (["mail-intake", "--shard", "2/2"], "argument --shard: '2/2': give K/N with 0 <= K < N, e.g. 1/2",
     "argument --shard: '2/2': geef K/N met 0 <= K < N, bijvoorbeeld 1/2"),
]


def _run(args: list[str], tmp, **environ):
    import os

    saved = {name: os.environ.pop(name, None) for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")}
    os.environ.update(environ)
    try:
        return meldpunt_run(*args, tmp=tmp)
    finally:
        for name in environ:
            os.environ.pop(name, None)
        os.environ.update({name: value for name, value in saved.items() if value is not None})


@pytest.mark.parametrize("args, english, dutch", REFUSALS, ids=[r[0][0] for r in REFUSALS])
def test_a_refusal_is_one_line_in_the_shells_language_with_exit_2(tmp_path, args, english, dutch):
    for environ, words in (({"LANG": "nl_NL.UTF-8"}, dutch), ({"LANG": "en_GB.UTF-8"}, english)):
        result = _run(args, tmp_path, **environ)
        assert result.returncode == 2, result.stderr
        assert result.stderr == f"meldpunt {args[0]}: {words}\n", (environ, result.stderr)


def test_a_summary_is_in_the_shells_language(tmp_path):
    dutch = _run(["demo-logins"], tmp_path, LANG="nl_NL.UTF-8")
    assert dutch.returncode == 0 and dutch.stdout.startswith("Demo-aanmeldingen (gebruikersnaam / wachtwoord):")
    assert "  agent  / agent-demo-2026  medewerker van de leverancier (console en /admin/)" in dutch.stdout
    english = _run(["demo-logins"], tmp_path, LANGUAGE="en", LANG="nl_NL.UTF-8")
    assert english.returncode == 0 and english.stdout.startswith("Demo logins (username / password):")


@pytest.mark.django_db
def test_a_dutch_command_run_words_its_summary_in_dutch_but_stores_english(capsys):
    """``meldpunt recompute-clocks`` runs inside the command's language (cli.manage); the
    reason it stores with the recompute stays English, worded when read."""
    ticket = _ticket()
    ClosedDay.objects.create(vendor="erpm", calendar="workdays", date=date(2026, 12, 24), reason="Kerstavond")
    capsys.readouterr()
    with translation.override("nl"):
        call_command("recompute_clocks", "--vendor", "erpm", "--calendar", "workdays")
    out = capsys.readouterr().out
    assert " open klokken op erpm:workdays verschoven (1 tickets) in " in out, out
    assert ticket.events.filter(kind="clock", data__reason="clocks of calendar workdays recomputed").exists()
    with translation.override("nl"), pytest.raises(Exception, match="Er is geen catalogus van leverancier acme"):
        call_command("recompute_clocks", "--vendor", "acme", "--calendar", "workdays")


def test_the_command_list_and_a_commands_help_in_the_shells_language(tmp_path):
    listing = _run([], tmp_path, LANG="nl_NL.UTF-8")
    assert listing.returncode == 0 and "Opdrachten:" in listing.stdout
    assert "  invoice-run        Factureer pakketprijzen, add-ons en factureerbare tijd van één maand (idempotent)." \
        in listing.stdout
    assert "  deadline           Wanneer verloopt een klok, en waarom?" in listing.stdout
    options = _run(["invoice-run", "--help"], tmp_path, LANG="nl_NL.UTF-8")
    assert options.returncode == 0 and "de te factureren maand, bijv. 2026-10" in options.stdout
    english = _run(["invoice-run", "--help"], tmp_path, LANG="en_GB.UTF-8")
    assert "Bill package fees" in english.stdout and "the month to bill, e.g. 2026-10" in english.stdout
