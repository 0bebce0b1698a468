"""The keys that seal secrets kept in the database (mailbox passwords), read from the
environment by the settings. Plain Python (no Django, no cryptography import): the settings
module checks them before anything else loads.

``MELDPUNT_FIELD_KEY`` is a comma list of Fernet keys (32 random bytes, URL-safe base64, as
``Fernet.generate_key()`` makes them). The first key seals every new value; every key opens
values sealed before (rotation: put the new key first, run ``meldpunt rotate-field-key``,
then drop the old one; docs/deploy.md). With DEBUG on and no key, a key derived from the
secret key is used: development databases need no extra variable, and their secrets are only
as safe as the public development key, which is why the production profile refuses to start
without a key of its own (a key derived from ``MELDPUNT_SECRET_KEY`` would also tie the
passwords to the session key: rotating one would lose the other).
"""

from __future__ import annotations

import base64
import binascii
import hashlib

GENERATE = "python3 -c 'import base64, os; print(base64.urlsafe_b64encode(os.urandom(32)).decode())'"


class KeyProblem(ValueError):
    """One line saying what is wrong with MELDPUNT_FIELD_KEY."""


def parse_keys(text: str) -> list[bytes]:
    """The keys of a comma list, each checked: 32 bytes in URL-safe base64."""
    keys = []
    for number, part in enumerate((p.strip() for p in text.split(",")), start=1):
        if not part:
            continue
        try:
            raw = base64.urlsafe_b64decode(part.encode("ascii"))
        except (binascii.Error, UnicodeEncodeError, ValueError):
            raw = b""
        if len(raw) != 32:
            raise KeyProblem(f"MELDPUNT_FIELD_KEY has a bad key (number {number}): not 32 bytes of URL-safe base64; make one with `{GENERATE}`")
        keys.append(part.encode("ascii"))
    return keys


def derived_key(secret_key: str) -> bytes:
    """A Fernet key from the secret key: for DEBUG only (see the module's docstring)."""
    digest = hashlib.sha256(b"meldpunt field key\0" + secret_key.encode()).digest()
    return base64.urlsafe_b64encode(digest)


def field_keys(text: str, *, secret_key: str, debug: bool) -> list[bytes]:
    """The keys in force: those of ``text``, or with DEBUG one derived from the secret key.
    Raises :class:`KeyProblem` when a key is malformed, or none is set without DEBUG."""
    keys = parse_keys(text)
    if keys:
        return keys
    if debug:
        return [derived_key(secret_key)]
    raise KeyProblem(f"MELDPUNT_FIELD_KEY is not set: it encrypts mailbox passwords; make one with `{GENERATE}`, "
                     "or set MELDPUNT_DEBUG=1 for development")
