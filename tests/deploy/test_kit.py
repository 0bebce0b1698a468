"""The deployment kit: the systemd units pass ``systemd-analyze verify`` and start commands
that exist with options they know; each Procfile line runs a command that exists; load_demo
refuses the production profile."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command, get_commands, load_command_class
from django.core.management.base import CommandError

from meldpunt.deploy import FOLDER, files
from tests.deploy.profile import meldpunt_command, production_env, run

ROOT = Path(__file__).resolve().parents[2]
INSTALLED = "/opt/meldpunt/venv/bin/meldpunt"  # where docs/deploy.md installs it
UNITS = ["meldpunt.target", "meldpunt-web@.service", "meldpunt-worker@.service",
         "meldpunt-scheduler.service", "meldpunt-intake@.service"]


def test_the_kit_holds_a_unit_for_each_process():
    assert [p.name for p in files()] == sorted(UNITS)
    target = (FOLDER / "meldpunt.target").read_text()
    for unit in ("meldpunt-web@8001.service", "meldpunt-web@8002.service", "meldpunt-worker@1.service", "meldpunt-scheduler.service",
                 "meldpunt-intake@0.service"):
        assert unit in target
    for unit in UNITS[1:]:
        text = (FOLDER / unit).read_text()
        assert "PartOf=meldpunt.target" in text and "EnvironmentFile=/etc/meldpunt/meldpunt.env" in text
        assert "User=meldpunt" in text and "Restart=always" in text


def test_systemd_analyze_verify_passes(tmp_path):
    """The units as shipped, with the command path pointed at this environment's ``meldpunt``
    (systemd checks that the program exists); every warning counts."""
    analyze = shutil.which("systemd-analyze")
    assert analyze, "systemd-analyze is missing: apt-get install systemd (.ci/run installs it)"
    for path in files():
        (tmp_path / path.name).write_text(path.read_text().replace(INSTALLED, meldpunt_command()))
    names = ["meldpunt.target", "meldpunt-web@8001.service", "meldpunt-worker@1.service",
             "meldpunt-scheduler.service", "meldpunt-intake@0.service"]
    result = subprocess.run([analyze, "verify", *names], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and result.stderr.strip() == "" and result.stdout.strip() == "", result.stderr


def test_systemd_analyze_verify_is_not_a_rubber_stamp(tmp_path):
    bad = tmp_path / "meldpunt-web@.service"
    bad.write_text((FOLDER / "meldpunt-web@.service").read_text().replace("Type=exec", "Type=exec\nRestrat=always"))
    result = subprocess.run(["systemd-analyze", "verify", "meldpunt-web@8001.service"], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert "Restrat" in result.stderr  # an unknown key is reported (and the missing program fails it)
    assert result.returncode != 0


def _command_line(line: str) -> list[str]:
    """The meldpunt command and its options of one shell command (variables filled in)."""
    line = re.sub(r"\$\{([A-Z_]+)(:-([^}]*))?\}", lambda m: m.group(3) or "1", line)  # ${PORT:-8000} → 8000
    line = line.replace("%i", "0")
    words = shlex.split(line)
    assert words[0] in ("meldpunt", INSTALLED), line
    return words[1:]


def _check_runs(words: list[str]) -> None:
    """The subcommand exists and its parser takes the line's arguments (the parser ``meldpunt
    WORDS`` uses, read in this process: a process per line costs seconds each)."""
    name, args = words[0], words[1:]
    app = get_commands().get(name)
    assert app is not None, f"meldpunt has no command {name!r}"
    parser = load_command_class(app, name).create_parser("meldpunt", name)
    parser.parse_args(args)  # an unknown option or a bad value fails here (SystemExit/CommandError)


def test_each_unit_starts_a_command_that_exists():
    for path in files():
        for line in re.findall(r"^ExecStart=(.+)$", path.read_text(), re.M):
            _check_runs(_command_line(line))


def test_the_check_knows_a_wrong_option():
    with pytest.raises((SystemExit, CommandError)):
        _check_runs(["mail_intake", "--shards", "0/1"])
    with pytest.raises(AssertionError, match="no command 'serv'"):
        _check_runs(["serv"])


def test_the_installed_meldpunt_command_answers(tmp_path):
    result = run(["serve", "--help"], production_env(tmp_path), timeout=60)
    assert result.returncode == 0 and "--bind" in result.stdout, result.stderr


def test_each_procfile_line_runs_a_command_that_exists():
    kinds = []
    for line in (ROOT / "Procfile").read_text().splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        kind, _, command = line.partition(":")
        kinds.append(kind)
        for part in command.split("&&"):
            _check_runs(_command_line(part.strip()))
    assert kinds == ["release", "web", "worker", "scheduler", "intake"]


def test_load_demo_refuses_the_production_profile_in_one_line(tmp_path):
    result = run(["load_demo"], production_env(tmp_path))
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.strip().splitlines() == [
        "CommandError: load_demo: refused in the production profile (DEBUG off): the demo's accounts have "
        "published passwords; set MELDPUNT_DEBUG=1 or pass --force"]


@pytest.mark.django_db
def test_load_demo_runs_in_production_only_when_forced(settings):
    from django.contrib.auth.models import User

    settings.PRODUCTION_PROFILE = True
    with pytest.raises(CommandError, match="refused in the production profile"):
        call_command("load_demo")
    assert not User.objects.exists()
    call_command("load_demo", "--force")
    assert User.objects.exists()


def test_meldpunt_admin_runs_commands_as_the_units_do():
    from meldpunt.deploy import ADMIN

    assert subprocess.run(["sh", "-n", str(ADMIN)], capture_output=True).returncode == 0
    script = ADMIN.read_text()
    unit = (FOLDER / "meldpunt-worker@.service").read_text()
    for setting in ("User=meldpunt", "Group=meldpunt", "EnvironmentFile=/etc/meldpunt/meldpunt.env",
                    "Environment=MELDPUNT_DATA=/var/lib/meldpunt", "WorkingDirectory=/var/lib/meldpunt"):
        assert setting in unit and f"--property={setting}" in script
    assert INSTALLED in script
