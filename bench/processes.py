"""Process helpers the benchmarks share (no set-up, no side effects on import)."""

from __future__ import annotations

import os
import signal
import subprocess


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
