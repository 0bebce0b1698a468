"""``meldpunt deadline`` answers every meaningless input with exit 2 and one line, at once.

Run as a real process with a timeout: a far year, a huge target or an option the catalog's
scheme does not have must neither print a traceback nor hang (issue 20). The timeout guards
against a hang (the machine running the tests may be busy); the run time is printed by
``bench``-style measurement in the report, not asserted here.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

SRC = str(Path(__file__).resolve().parents[2] / "src")
RECEIVED = ["--received", "2026-11-30T10:00:00+01:00"]
INVANTIVE = ["--catalog", "invantive", "--package", "subscription", "--metric", "response"]


def run(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": SRC}
    return subprocess.run([sys.executable, "-m", "meldpunt.cli", "deadline", *args], capture_output=True,
                          text=True, timeout=20, env=env)


@pytest.mark.parametrize(
    "args, says",
    [
        ([*INVANTIVE, "--received", "9999-12-31T10:00"], "--received: 9999 is outside the years 1900–2200"),
        ([*INVANTIVE, "--received", "0001-01-01T10:00+14:00"], "--received: 1 is outside the years 1900–2200"),
        ([*INVANTIVE, "--received", "1899-12-31T10:00"], "--received: 1899 is outside"),
        (["--calendar", "24x7", "--target", "99999999999999999999h", *RECEIVED], "--target: '99999999999999999999h' is longer"),
        (["--calendar", "24x7", "--target", "9999999h", *RECEIVED], "--target: the due moment falls after 2201"),
        (["--calendar", "invantive:service", "--target", "9999999bd", *RECEIVED], "--target: the due moment falls after 2201"),
        (["--calendar", "infor:24x7", "--target", "9999999m", "--received", "2200-12-31T10:00"], "--target: "),
        (["--calendar", "erpm:workdays", "--target", "1h", *RECEIVED, "--pause", "2026-12-01T10:00/9999-01-01T00:00"],
         "--pause: 9999 is outside"),
        ([*INVANTIVE, "--impact", "organisation", "--urgency", "high", *RECEIVED],
         "--impact: catalog invantive has priority categories (I, II, III), not impact × urgency"),
        (["--catalog", "erpm", "--package", "small", "--metric", "response", "--kind", "question",
          "--impact", "one", "--urgency", "low", *RECEIVED], "--impact: a question is always priority D"),
        (["--calendar", "24x7", "--target", "1h", "--kind", "incident", *RECEIVED], "--kind: not used with --calendar"),
        (["--calendar", "24x7", "--target", "1h", "--addon", "premium", *RECEIVED], "--addon: not used with --calendar"),
        (["--catalog", "erpm", "--package", "small", "--metric", "response", "--priority", "Z", *RECEIVED],
         "--priority: priority 'Z' is not one of A, B, C, D"),
    ],
)
def test_meaningless_input_is_one_line_and_exit_2(args, says):
    result = run(*args)
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("meldpunt deadline: ") and says in lines[0]


def test_the_edges_of_the_range_still_answer():
    first = run(*INVANTIVE, "--received", "1900-01-01T00:00", "--json")
    assert first.returncode == 0, first.stderr
    assert '"due": "1900-01-04T17:00:00+00:19:32"' in first.stdout  # Amsterdam mean time, the 1900 offset
    last = run(*INVANTIVE, "--received", "2200-12-01T10:00:00+01:00", "--json")
    assert last.returncode == 0, last.stderr
    assert '"due": "2200-12-04T10:00:00+01:00"' in last.stdout  # Mon + 3 business days (category III)
