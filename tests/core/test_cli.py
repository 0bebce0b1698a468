"""The `meldpunt deadline` contract: both forms, --json, exit 2 with one line on bad input."""

import json
import os
import subprocess
import sys

import pytest

from meldpunt.cli import main
from meldpunt.cli_words import cli_language


@pytest.mark.parametrize(
    "args, names",
    [
        (["--catalog", "nope", "--package", "x", "--priority", "A", "--metric", "response", "--received", "2026-11-30T10:00"], "--catalog"),
        (["--catalog", "erpm", "--package", "huge", "--priority", "A", "--metric", "response", "--received", "2026-11-30T10:00"], "--package"),
        (["--catalog", "erpm", "--package", "small", "--addon", "gold", "--priority", "A", "--metric", "response", "--received", "2026-11-30T10:00"], "--addon"),
        (["--catalog", "erpm", "--package", "small", "--priority", "Z", "--metric", "response", "--received", "2026-11-30T10:00"], "--priority"),
        (["--catalog", "erpm", "--package", "small", "--impact", "all", "--urgency", "high", "--metric", "response", "--received", "2026-11-30T10:00"], "--impact"),
        (["--catalog", "erpm", "--package", "small", "--impact", "one", "--metric", "response", "--received", "2026-11-30T10:00"], "--impact"),
        (["--catalog", "erpm", "--package", "small", "--priority", "A", "--metric", "speed", "--received", "2026-11-30T10:00"], "--metric"),
        (["--catalog", "erpm", "--package", "small", "--priority", "A", "--metric", "response", "--received", "yesterday"], "--received"),
        (["--catalog", "erpm", "--package", "small", "--kind", "question", "--priority", "A", "--metric", "response", "--received", "2026-11-30T10:00"], "--priority"),
        (["--calendar", "24x7", "--target", "3 weeks", "--received", "2026-11-30T10:00"], "--target"),
        (["--calendar", "mars", "--target", "2h", "--received", "2026-11-30T10:00"], "--calendar"),
        (["--calendar", "erpm:night", "--target", "2h", "--received", "2026-11-30T10:00"], "--calendar"),
        (["--calendar", "24x7", "--target", "2h", "--received", "2026-11-30T10:00", "--pause", "2026-11-30T12:00"], "--pause"),
        (["--calendar", "24x7", "--target", "2h", "--received", "2026-11-30T10:00", "--pause", "2026-11-30T12:00/2026-11-30T11:00"], "--pause"),
        (["--catalog", "infor", "--package", "xtreme", "--priority", "critical", "--metric", "response", "--received", "2026-11-30T10:00"], "--metric"),
        (["--target", "2h", "--received", "2026-11-30T10:00"], "--catalog"),
        (["--calendar", "24x7", "--target", "2h"], "--received"),
    ],
)
def test_bad_input_exits_2_with_one_line_naming_the_argument(capsys, args, names):
    assert main(["deadline", *args]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and names in lines[0], captured.err


def test_catalog_file_path_is_accepted_and_bad_file_named(tmp_path, capsys):
    bad = tmp_path / "broken.toml"
    bad.write_text('id = "x"\nname = "X"\nversion = "1"\ncurrency = "EUR"\n[calendars.c]\ntimezone = "Europe/Amsterdam"\nhours = { mon = ["17:00-09:00"] }\n')
    assert main(["deadline", "--catalog", str(bad), "--package", "p", "--priority", "A", "--metric", "response", "--received", "2026-11-30T10:00"]) == 2
    err = capsys.readouterr().err
    assert "broken.toml" in err and "calendars.c.hours" in err and "17:00-09:00" in err


def test_human_output_lists_the_explanation(capsys):
    assert main(["deadline", "--catalog", "erpm", "--package", "small", "--priority", "B", "--metric", "response", "--received", "2026-11-30T10:00"]) == 0
    out = capsys.readouterr().out
    assert "Due:         2026-11-30T14:00:00+01:00" in out
    assert "Calendar: Workdays 09:00–17:00" in out
    assert "  - Received Monday 30 November 2026 10:00 within service hours; the clock starts at once" in out


def test_dutch_explanation(capsys):
    assert main(["deadline", "--calendar", "erpm:workdays", "--target", "1bd", "--received", "2026-12-24T16:00+01:00", "--language", "nl", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["due"] == "2026-12-28T16:00:00+01:00"
    assert result["explanation"] == [
        "Kalender: Werkdagen 09:00–17:00 (ma–vr 09:00–17:00; NL feestdagen gesloten), tijdzone Europe/Amsterdam",
        "Doel: 1 werkdag (1 × 8u = 8u werktijd)",
        "Ontvangen donderdag 24 december 2026 16:00 binnen de servicetijden; de klok start direct",
        "Overgeslagen feestdag: vrijdag 25 december 2026, Eerste kerstdag",
        "Uiterlijk: maandag 28 december 2026 16:00 (het vroegste moment waarop de werktijd verstreken is)",
    ]


def test_english_explanation_reads_british_dates(capsys):
    assert main(["deadline", "--catalog", "erpm", "--package", "small", "--priority", "B", "--metric", "response",
                 "--received", "2026-11-28T10:00", "--pause", "2026-11-30T10:00/2026-11-30T11:00", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["due"] == "2026-11-30T14:00:00+01:00"  # machine-readable, as before
    assert result["explanation"][1:] == [
        "Target (response, Priority B): 4 business hours (4h business time)",
        "Received Saturday 28 November 2026 10:00 outside service hours; the clock starts at the next opening, "
        "Monday 30 November 2026 09:00",
        "Paused Monday 30 November 2026 10:00 – Monday 30 November 2026 11:00: 1h of business time not counted",
        "Due: Monday 30 November 2026 14:00 (the earliest moment the business time has passed)",
    ]


def test_dutch_words_without_the_project_settings():
    """`meldpunt deadline` needs no database and no secret key: a bare shell gets Dutch too."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "MELDPUNT_"))}
    proc = subprocess.run(
        [sys.executable, "-m", "meldpunt.cli", "deadline", "--calendar", "erpm:workdays", "--target", "2h",
         "--received", "2026-11-30T16:00", "--language", "nl"],
        capture_output=True, text=True, env=env,
    )
    assert proc.returncode == 0, proc.stderr
    assert "Uiterlijk:  2026-12-01T10:00:00+01:00 (dinsdag 1 december 2026 10:00)" in proc.stdout
    assert "  - Doel: 2 werkuren (2u werktijd)" in proc.stdout


def test_console_script_never_prints_a_traceback():
    proc = subprocess.run(
        [sys.executable, "-m", "meldpunt.cli", "deadline", "--calendar", "24x7", "--target", "2h", "--received", "2026-13-45"],
        capture_output=True, text=True,
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr and proc.stderr.count("\n") == 1


@pytest.mark.parametrize("args, dutch", [
    (["--calendar", "mars", "--target", "2h", "--received", "2026-11-30T10:00"],
     "--calendar: 'mars' moet 24x7 of CATALOGUS:KALENDER zijn"),
    (["--calendar", "24x7", "--target", "2h", "--received", "gisteren"],
     "--received: 'gisteren' is geen datum en tijd volgens ISO 8601"),
    (["--catalog", "erpm", "--package", "small", "--priority", "A", "--metric", "speed", "--received", "2026-11-30T10:00"],
     "argument --metric: ongeldige keuze: 'speed' (kies uit 'response', 'resolution')"),
    (["--calendar", "24x7", "--target", "2h"], "deze argumenten zijn verplicht: --received"),
    (["--calendar", "24x7", "--target", "3x", "--received", "2026-11-30T10:00"],
     "--target: '3x' is geen doeltijd zoals 90m, 2h, 3bd of planning"),
    (["--catalog", "erpm", "--package", "huge", "--priority", "A", "--metric", "response", "--received", "2026-11-30T10:00"],
     "--package: catalogus erpm heeft geen pakket 'huge'; pakketten: "),
    (["--catalog", "erpm", "--package", "small", "--addon", "gold", "--priority", "A", "--metric", "response",
      "--received", "2026-11-30T10:00"], "--addon: catalogus erpm heeft geen add-on 'gold'; add-ons: "),
    (["--calendar", "erpm:night", "--target", "2h", "--received", "2026-11-30T10:00"],
     "--calendar: catalogus erpm heeft geen kalender 'night'; kalenders: "),
    (["--catalog", "erpm", "--package", "small", "--priority", "Z", "--metric", "response", "--received", "2026-11-30T10:00"],
     "--priority: prioriteit 'Z' is niet een van A, B, C, D"),
    (["--catalog", "erpm", "--package", "small", "--impact", "one", "--urgency", "soon", "--metric", "response",
      "--received", "2026-11-30T10:00"], "--urgency: urgentie 'soon' is niet een van low, medium, high"),
])
def test_a_dutch_user_gets_the_one_line_in_dutch(capsys, args, dutch):
    assert main(["deadline", *args, "--language", "nl"]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and dutch in lines[0], lines


def test_the_shell_locale_chooses_the_language_when_the_command_line_does_not(capsys, monkeypatch):
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "nl_NL.UTF-8")
    assert main(["deadline", "--calendar", "24x7", "--target", "2h", "--received", "2026-11-30T10:00", "--pause", "x"]) == 2
    assert capsys.readouterr().err == "meldpunt deadline: --pause: 'x' moet VAN/TOT zijn\n"
    assert main(["catalog", "diff", "erpm", "erpm", "--years", "soon"]) == 2
    assert capsys.readouterr().err == "meldpunt catalog: --years: 'soon' is geen reeks jaren zoals 2026-2030\n"
    # --language wins over the shell
    assert main(["deadline", "--calendar", "24x7", "--target", "2h", "--received", "2026-11-30T10:00", "--pause", "x",
                 "--language", "en"]) == 2
    assert capsys.readouterr().err == "meldpunt deadline: --pause: 'x' must be FROM/TO\n"


@pytest.mark.parametrize("argv, environ, language", [
    (["--language", "nl"], {}, "nl"),
    (["--language=nl"], {"LANG": "en_GB.UTF-8"}, "nl"),
    (["--language", "en"], {"LANG": "nl_NL.UTF-8"}, "en"),
    ([], {"LANG": "nl_BE.UTF-8"}, "nl"),
    ([], {"LANGUAGE": "en:nl", "LANG": "nl_NL.UTF-8"}, "en"),
    ([], {"LC_ALL": "C.UTF-8", "LANG": "nl_NL.UTF-8"}, "en"),
    ([], {}, "en"),
])
def test_the_command_language(argv, environ, language):
    assert cli_language(argv, environ) == language
