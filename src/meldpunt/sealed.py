"""Secrets sealed at rest: a model field whose value is encrypted in the database with the
keys of ``settings.MELDPUNT_FIELD_KEYS`` (Fernet, from the ``cryptography`` package; key
rules in :mod:`meldpunt.fieldkeys`).

In Python the value is the plain text; the column holds a Fernet token (AES-128-CBC with an
HMAC-SHA256, the time of sealing inside). A database dump, a backup or a read-only SQL
account therefore shows no password. A token no key opens (the key was replaced without
keeping the old one after it) reads as :class:`Unopened`, an empty string that keeps its
token: the rows still load (lists, the poll loop over all mailboxes), saving such a row keeps
the token as it was (the right key may come back), and whoever needs the secret calls
:func:`require`, which raises :class:`SealedValueError` naming the variable (an IMAP poll
records it as that mailbox's last error).
"""

from __future__ import annotations

import logging
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.db import models

log = logging.getLogger(__name__)


class SealedValueError(Exception):
    pass


class Unopened(str):
    """A sealed value no key in force opens: reads as "", remembers its token."""

    token: str

    def __new__(cls, token: str) -> Unopened:
        value = super().__new__(cls, "")
        value.token = token
        return value


def require(value: str) -> str:
    """``value``, or :class:`SealedValueError` when it could not be opened."""
    if isinstance(value, Unopened):
        raise SealedValueError(_CANNOT)
    return value


@lru_cache(maxsize=4)
def _fernet(keys: tuple[bytes, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key) for key in keys])


def fernet() -> MultiFernet:
    return _fernet(tuple(settings.MELDPUNT_FIELD_KEYS))


def seal(plain: str) -> str:
    return fernet().encrypt(plain.encode()).decode("ascii")


_CANNOT = ("a stored secret cannot be decrypted with MELDPUNT_FIELD_KEY: keep the old key after the new "
           "one until `meldpunt rotate-field-key` has run, or enter the secret again")


def unseal(token: str) -> str:
    try:
        return fernet().decrypt(token.encode("ascii")).decode()
    except (InvalidToken, UnicodeEncodeError):
        raise SealedValueError(_CANNOT) from None


def reseal(token: str) -> str:
    """The same secret sealed with the first key (rotation)."""
    try:
        return fernet().rotate(token.encode("ascii")).decode("ascii")
    except InvalidToken:
        raise SealedValueError("a stored secret cannot be decrypted with MELDPUNT_FIELD_KEY") from None


class SealedTextField(models.TextField):
    """Plain text in Python, a Fernet token in the column. Not searchable (each sealing is
    different), so never filter on it. The empty string stays empty."""

    def from_db_value(self, value, expression, connection):
        if not value:
            return value
        try:
            return unseal(value)
        except SealedValueError:
            log.error("%s: %s", self, _CANNOT)
            return Unopened(value)

    def get_prep_value(self, value):
        if isinstance(value, Unopened):
            return value.token  # saved as it was: the right key may come back
        value = super().get_prep_value(value)
        return value if not value else seal(value)


def reseal_rows(queryset, field: str) -> int:
    """Seal ``field`` of every row again with the first key (after a new key was put first
    in MELDPUNT_FIELD_KEY); the number of rows. A row no key opens stops it with
    :class:`SealedValueError` naming the row; rows done before keep their new sealing."""
    done = 0
    for pk in queryset.order_by("pk").values_list("pk", flat=True):
        value = queryset.filter(pk=pk).values_list(field, flat=True).get()
        if isinstance(value, Unopened):
            raise SealedValueError(f"{queryset.model._meta.label} {pk}: {_CANNOT}")
        if value:
            queryset.filter(pk=pk).update(**{field: value})
            done += 1
    return done
