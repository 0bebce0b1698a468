"""Real mail servers for the intake tests: Dovecot IMAP on a free port with its own config,
and an aiosmtpd SMTP sink that keeps what it receives. Nothing is mocked.

Dovecot runs as root with a private base_dir (RECIPES.md): CI runs as root. `.ci/run`
installs `dovecot-imapd`.
"""

from __future__ import annotations

import email
import os
import time
from email import policy

import pytest
from aiosmtpd.controller import Controller
from imapclient import IMAPClient

from tests.support.servers import DOVECOT, free_port, start_dovecot


@pytest.fixture(scope="session")
def dovecot():
    """A running Dovecot with one user; yields (host, port, user, password)."""
    if not os.path.exists(DOVECOT):
        pytest.fail("Dovecot is not installed (apt-get install dovecot-imapd); .ci/run installs it")
    server = start_dovecot()
    yield server.host, server.port, server.user, server.password
    server.stop()


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
    # Mail is sent by a task after the commit; in these tests the task runs at once.
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                                    "OPTIONS": {"host": controller.hostname, "port": controller.port, "timeout": 5}}}
    yield sink
    controller.stop()
