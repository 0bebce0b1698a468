"""`make run` for real (against a fresh SQLite data folder): a TERM or an INT sent to make alone
stops the worker, the scheduler and the web server; static files are collected only when a
source is newer than the last collection."""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
VENV = Path(sys.executable).parent.parent


def make(data: Path, *args: str, **kwargs) -> subprocess.Popen:
    # SQLite and static files in `data`
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "MELDPUNT_STATIC_ROOT")}
    env.update(MELDPUNT_DATA=str(data), PYTHONPATH=str(ROOT / "src"))
    # -o: the venv running this suite is taken as installed (no pip, no npm in a test).
    argv = ["make", "--no-print-directory", "-C", str(ROOT), f"VENV={VENV}", "-o", "install",
            "-o", str(VENV / "bin" / "meldpunt"), *args]
    return subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, **kwargs)


def descendants(pid: int) -> set[int]:
    parents = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = set(), [pid]
    while todo:
        for child in parents.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_to_make_alone_stops_worker_scheduler_and_web_server(tmp_path, signum):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    (tmp_path / "static").mkdir()
    (tmp_path / "static" / ".collected").touch()  # collecting is not what this test is about
    # Its own session, as make in a terminal: INT is not ignored as in a background job.
    proc = make(tmp_path, "run", f"PORT={port}", start_new_session=True)
    try:
        output = b""
        deadline = time.monotonic() + 240
        while b"Performing system checks" not in output and time.monotonic() < deadline:
            line = proc.stdout.readline()
            assert line, output.decode()
            output += line
        time.sleep(3)  # the worker and the scheduler are up too
        children = descendants(proc.pid)
        commands = [Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ") for pid in children]
        for role in (b" worker ", b" scheduler", b" runserver "):
            assert any(role in command for command in commands), (role, commands)

        os.kill(proc.pid, signum)  # make only, not its process group
        proc.wait(timeout=30)
        deadline = time.monotonic() + 15
        while any(alive(pid) for pid in children) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert [pid for pid in children if alive(pid)] == []
    finally:  # whatever the outcome, nothing of this test stays running
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.stdout.close()
        proc.wait()


def test_static_files_are_collected_only_when_a_source_is_newer(tmp_path):
    stamp = tmp_path / "static" / ".collected"

    def plan() -> str:
        proc = make(tmp_path, "-n", "run")
        return proc.communicate(timeout=60)[0].decode()

    assert "collectstatic" in plan()  # never collected
    stamp.parent.mkdir()
    stamp.touch()
    assert "collectstatic" not in plan()
    os.utime(stamp, (0, 0))  # older than every source
    assert "collectstatic" in plan()
