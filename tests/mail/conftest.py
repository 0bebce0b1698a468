"""Real mail servers for the intake tests: Dovecot IMAP on a free port with its own config,
and an aiosmtpd SMTP sink that keeps what it receives. Nothing is mocked.

Dovecot runs as root with a private base_dir (RECIPES.md): CI runs as root. `.ci/run`
installs `dovecot-imapd`.
"""

from __future__ import annotations

import email
import os
import shutil
import socket
import subprocess
import tempfile
import time
from email import policy
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from imapclient import IMAPClient

DOVECOT = "/usr/sbin/dovecot"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def dovecot():
    """A running Dovecot with one user; yields (host, port, user, password)."""
    if not os.path.exists(DOVECOT):
        pytest.fail("Dovecot is not installed (apt-get install dovecot-imapd); .ci/run installs it")
    root = Path(tempfile.mkdtemp(prefix="meldpunt-dovecot-"))
    root.chmod(0o755)  # Dovecot's unprivileged auth and mail processes must reach their files
    (root / "mail").mkdir()
    (root / "run").mkdir()
    shutil.chown(root / "mail", "dovenull", "dovenull")
    port = free_port()
    (root / "users").write_text("support@example.test:{PLAIN}secret\n")
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
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    yield "127.0.0.1", port, "support@example.test", "secret"
    pid = (root / "run" / "master.pid").read_text().strip()
    subprocess.run(["kill", pid], check=False)
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def imap_folder(dovecot):
    """A fresh folder per test; yields (folder name, an append function)."""
    host, port, user, password = dovecot
    folder = f"T{time.monotonic_ns()}"
    client = IMAPClient(host, port=port, ssl=False)
    client.login(user, password)
    client.create_folder(folder)

    def append(raw: bytes) -> None:
        client.append(folder, raw)

    yield folder, append, client
    client.logout()


class Sink:
    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"

    def wait_for(self, count: int, timeout: float = 5.0) -> list:
        deadline = time.monotonic() + timeout
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        return self.messages


@pytest.fixture
def smtp_sink(settings):
    """A real SMTP server on a free port; Django's SMTP backend sends to it."""
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                                    "OPTIONS": {"host": controller.hostname, "port": controller.port, "timeout": 5}}}
    yield sink
    controller.stop()
