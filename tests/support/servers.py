"""Start a private Dovecot IMAP server (tests and bench/intake_bench.py share this)."""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

DOVECOT = "/usr/sbin/dovecot"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Dovecot:
    root: Path
    host: str
    port: int
    user: str = "support@example.test"
    password: str = "secret"

    def stop(self) -> None:
        pid = (self.root / "run" / "master.pid").read_text().strip()
        subprocess.run(["kill", pid], check=False)
        shutil.rmtree(self.root, ignore_errors=True)


def start_dovecot() -> Dovecot:
    """Dovecot as root with a private base_dir and config (RECIPES.md), on a free port."""
    root = Path(tempfile.mkdtemp(prefix="meldpunt-dovecot-"))
    root.chmod(0o755)  # Dovecot's unprivileged auth and mail processes must reach their files
    (root / "mail").mkdir()
    (root / "run").mkdir()
    shutil.chown(root / "mail", "dovenull", "dovenull")
    port = free_port()
    server = Dovecot(root, "127.0.0.1", port)
    (root / "users").write_text(f"{server.user}:{{PLAIN}}{server.password}\n")
    (root / "users").chmod(0o644)
    (root / "dovecot.conf").write_text(f"""
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
service imap-login {{
  inet_listener imap {{
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/users
}}
userdb {{
  driver = static
  args = uid=dovenull gid=dovenull home={root}/mail/%u
}}
first_valid_uid = 1
mail_location = maildir:~/Maildir
""")
    subprocess.run([DOVECOT, "-c", str(root / "dovecot.conf")], check=True)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection((server.host, port), timeout=0.2).close()
            return server
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"Dovecot did not start; see {root}/dovecot.log")
