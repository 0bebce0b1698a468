"""The `meldpunt deadline` contract: both forms, --json, exit 2 with one line on bad input."""

import json
import subprocess
import sys

import pytest

from meldpunt.cli import main


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


def test_dutch_explanation(capsys):
    assert main(["deadline", "--calendar", "erpm:workdays", "--target", "1bd", "--received", "2026-12-24T16:00+01:00", "--language", "nl", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["due"] == "2026-12-28T16:00:00+01:00"
    assert "Overgeslagen feestdag: vr 2026-12-25 Eerste kerstdag" in result["explanation"]


def test_console_script_never_prints_a_traceback():
    proc = subprocess.run(
        [sys.executable, "-m", "meldpunt.cli", "deadline", "--calendar", "24x7", "--target", "2h", "--received", "2026-13-45"],
        capture_output=True, text=True,
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr and proc.stderr.count("\n") == 1
