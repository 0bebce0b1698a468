"""Per-user API tokens, hashed at rest: only a prefix and a SHA-256 digest are stored.

The raw value is shown once, by ``meldpunt issue-token`` or on the admin page right after
adding a token, and can never be read back. A token can expire (``expires_at``); an expired
or revoked one answers 401.
"""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

PREFIX_LENGTH = 8


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


class ApiToken(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("user"))
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=PREFIX_LENGTH, db_index=True)
    digest = models.CharField(_("SHA-256 digest"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True,
                                      help_text=_("Empty: valid until revoked."))

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def set_new_value(self) -> str:
        """Give this (unsaved) token a fresh random value; returns it, the only time it is seen."""
        raw = "mp_" + secrets.token_urlsafe(32)
        self.prefix, self.digest = raw[:PREFIX_LENGTH], hash_token(raw)
        return raw

    def is_expired(self, now=None) -> bool:
        return self.expires_at is not None and self.expires_at <= (now or timezone.now())

    @classmethod
    def issue(cls, user, name: str, expires_at=None) -> tuple[ApiToken, str]:
        """Create a token; the raw value is returned once and never stored."""
        token = cls(user=user, name=name, expires_at=expires_at)
        raw = token.set_new_value()
        token.save()
        return token, raw


class IdempotentWrite(models.Model):
    """What a create of the write API made under a client's Idempotency-Key: the same key
    from the same user answers with that row again (200) instead of a second one."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("user"))
    key = models.CharField(_("idempotency key"), max_length=200)
    operation = models.CharField(_("operation"), max_length=40)
    object_id = models.PositiveBigIntegerField(_("object id"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("idempotent write")
        verbose_name_plural = _("idempotent writes")
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="api_write_once_per_key")]

    def __str__(self) -> str:
        return f"{self.operation} {self.object_id}"
