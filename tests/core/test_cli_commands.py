"""The `meldpunt` command as a whole (#21): `--help` lists every command with one line, each
command has its own `--help` (even on a production host without its secrets), and a bad
argument or an unknown command is one line on stderr with exit status 2."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import meldpunt
from meldpunt.cli import commands

COMMAND_FILES = sorted(p.stem.replace("_", "-") for p in Path(meldpunt.__file__).parent.glob("*/management/commands/[!_]*.py"))


def meldpunt_run(*args: str, debug: bool = True, tmp: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MELDPUNT_") and k != "DATABASE_URL"}
    env["MELDPUNT_DATA"] = str(tmp)
    if debug:
        env["MELDPUNT_DEBUG"] = "1"
    return subprocess.run([sys.executable, "-m", "meldpunt.cli", *args], capture_output=True, text=True, env=env, timeout=120)


@pytest.mark.parametrize("words", [[], ["help"], ["--help"], ["-h"]], ids=["bare", "help", "--help", "-h"])
def test_help_lists_every_command_with_one_line(tmp_path, words):
    result = meldpunt_run(*words, debug=False, tmp=tmp_path)  # no secret key: listing needs none
    assert result.returncode == 0, result.stderr
    lines = {line.split()[0]: line for line in result.stdout.splitlines() if line.startswith("  ")}
    assert set(COMMAND_FILES) | {"deadline", "ingest-mail", "catalog"} <= set(lines)
    for name in lines:
        assert len(lines[name].split(None, 1)) == 2, f"{name} has no description"
    assert "__help" not in result.stdout + result.stderr and "_" not in "".join(lines)


def test_every_command_is_listed_with_its_own_help_text():
    listed = commands()
    assert listed["invoice-run"].startswith("Bill package fees")
    assert all(listed[name] for name in COMMAND_FILES), [n for n in COMMAND_FILES if not listed[n]]


@pytest.mark.parametrize("name", [*COMMAND_FILES, "deadline", "ingest-mail", "catalog", "migrate"])
def test_each_command_has_its_own_help_on_a_production_host(tmp_path, name):
    result = meldpunt_run(name, "--help", debug=False, tmp=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"usage: meldpunt {name}") or result.stdout.startswith(f"usage: meldpunt {name.replace('-', '_')}")


def test_help_of_one_command_by_name(tmp_path):
    result = meldpunt_run("help", "invoice-run", debug=False, tmp=tmp_path)
    assert result.returncode == 0 and "--month" in result.stdout and "--force" in result.stdout


@pytest.mark.parametrize("args, says", [
    (["invoice-run", "--date", "notadate", "--month", "2026-01"], "--date: 'notadate' is not a date"),
    (["invoice-run", "--month", "soon"], "--month: 'soon' is not a month"),
    (["invoice-run"], "--month"),
    (["invoice_run", "--month", "2026-01", "--bogus"], "unrecognized arguments: --bogus"),
    (["load-catalogs", "/nowhere/x.toml"], "/nowhere/x.toml"),
    (["catalog", "check", "/nowhere/x.toml"], "/nowhere/x.toml: file: no such file"),
    (["catalog", "diff", "erpm"], "the following arguments are required: NEW"),
    (["catalog", "lint", "erpm"], "invalid choice: 'lint'"),
    (["invoic-run"], "unknown command (did you mean invoice-run"),
    (["frobnicate"], "unknown command; `meldpunt help` lists the commands"),
])
def test_bad_arguments_are_one_line_and_exit_2(tmp_path, args, says):
    result = meldpunt_run(*args, tmp=tmp_path)
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr, result.stderr
    assert result.stderr.startswith(f"meldpunt {args[0].replace('_', '-')}: ") and says in result.stderr, result.stderr


def test_a_typing_error_is_named_before_the_missing_secret_key(tmp_path):
    result = meldpunt_run("invoic-run", debug=False, tmp=tmp_path)
    assert result.returncode == 2 and "did you mean invoice-run" in result.stderr
    real = meldpunt_run("migrate", debug=False, tmp=tmp_path)
    assert real.returncode == 2 and "MELDPUNT_SECRET_KEY" in real.stderr


def test_an_unknown_catalog_lists_the_catalogs(tmp_path):
    result = meldpunt_run("deadline", "--catalog", "nope", "--package", "x", "--metric", "response",
                          "--received", "2026-01-01T10:00", tmp=tmp_path)
    assert result.returncode == 2
    assert "unknown; the catalogs are erpm, infor, invantive" in result.stderr
