"""An SMTP sink in its own process that counts the confirmations reaching it.

Run as ``python bench/counting_sink.py PORT FILE``: aiosmtpd on 127.0.0.1:PORT accepts every
mail and, for each one marked ``Auto-Submitted: auto-replied`` (the outbox marks
confirmations so), appends one byte per recipient to FILE. The count is FILE's size
(:func:`count`), so a benchmark reads it without sharing its process (or GIL) with the sink.
"""

from __future__ import annotations

import os
import sys
import threading


def count(path: str) -> int:
    """Confirmations received so far (0 before the first)."""
    try:
        return os.stat(path).st_size
    except FileNotFoundError:
        return 0


class Counter:
    def __init__(self, path: str):
        self.out = open(path, "ab", buffering=0)  # noqa: SIM115 - open for the sink's lifetime

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        head = envelope.original_content.split(b"\r\n\r\n", 1)[0].lower()
        if b"\nauto-submitted: auto-replied" in head:
            self.out.write(b"." * len(envelope.rcpt_tos))
        return "250 OK"


def main() -> None:
    from aiosmtpd.controller import Controller

    port, path = int(sys.argv[1]), sys.argv[2]
    controller = Controller(Counter(path), hostname="127.0.0.1", port=port)
    controller.start()
    print("ready", flush=True)
    threading.Event().wait()  # until terminated


if __name__ == "__main__":
    main()
