"""Process helpers the benchmarks share (no set-up, no side effects on import)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def stop_process_group(proc: subprocess.Popen | None) -> None:
    """Stop a server started with ``start_new_session=True`` and everything it forked: TERM to
    its process group, KILL when it has not gone within 15 s."""
    if proc and proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


# ------------------------------------------------------------------ CPU of process trees
def cpu_snapshot() -> dict[int, tuple[int, float, float]]:
    """Every process on the machine: pid -> (parent pid, its own CPU seconds (utime + stime),
    the CPU seconds of its children that ended and were reaped (cutime + cstime)), from /proc."""
    tick = os.sysconf("SC_CLK_TCK")
    snapshot = {}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:  # gone meanwhile
            continue
        snapshot[int(pid)] = (int(fields[1]), (int(fields[11]) + int(fields[12])) / tick,
                              (int(fields[13]) + int(fields[14])) / tick)
    return snapshot


def tree_cpu(root: int, snapshot: dict[int, tuple[int, float, float]]) -> float:
    """CPU seconds used so far by ``root`` and everything it forked, including children that
    have exited meanwhile (a parent's cutime/cstime holds the children it reaped, so a
    PostgreSQL backend or gunicorn worker that ended during the run still counts). 0 when
    ``root`` is gone."""
    children: dict[int, list[int]] = {}
    for pid, (ppid, _, _) in snapshot.items():
        children.setdefault(ppid, []).append(pid)
    total, todo = 0.0, [root] if root in snapshot else []
    while todo:
        pid = todo.pop()
        _, own, reaped = snapshot[pid]
        total += own + reaped
        todo += children.get(pid, [])
    return total


def postmaster_pid(database_url: str) -> int:
    """The pid of the PostgreSQL server behind ``database_url`` (a local one): the parent of
    the backend that serves a connection. Its tree is the benchmark's own PostgreSQL, not
    the other servers on a shared machine."""
    import psycopg

    with psycopg.connect(database_url, autocommit=True) as conn:
        backend = conn.execute("SELECT pg_backend_pid()").fetchone()[0]
        with open(f"/proc/{backend}/stat") as stat:  # while the connection (so its backend) lives
            return int(stat.read().rsplit(")", 1)[1].split()[1])


def durability(database_url: str) -> str:
    """The server's fsync and synchronous_commit, as the benchmarks print them: production
    runs with both on (``make bench`` sets MELDPUNT_PG_DURABLE=1 for scripts/with-postgres)."""
    import psycopg

    with psycopg.connect(database_url, autocommit=True) as conn:
        fsync = conn.execute("SHOW fsync").fetchone()[0]
        commit = conn.execute("SHOW synchronous_commit").fetchone()[0]
    durable = "durable" if fsync == "on" and commit == "on" else "NOT durable (set MELDPUNT_PG_DURABLE=1)"
    return f"PostgreSQL fsync={fsync}, synchronous_commit={commit}: {durable}"
