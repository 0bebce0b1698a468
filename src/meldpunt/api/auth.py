"""Who is calling the API: a per-user bearer token, or a logged-in Django session.

Tokens are looked up by their SHA-256 digest (the raw value is never stored). A token
that is unknown, revoked, expired or belongs to an inactive user is refused outright with 401,
without falling back to the session, so a client with a broken token learns it at once.
"""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer, SessionAuth

from meldpunt import plain_sql
from meldpunt.api.models import ApiToken, hash_token
from meldpunt.contracts.models import Contact, Organisation

#: ``last_used_at`` is written at most this often per token, so reads stay cheap.
LAST_USED_RESOLUTION = timedelta(minutes=1)
MAX_TOKEN_LENGTH = 200


def live_token(digest: str) -> ApiToken | None:
    """The unrevoked token with ``digest``, with its user and the user's contact and
    organisation, which most routes need: one plain SELECT (:mod:`meldpunt.plain_sql`),
    as every API call runs it."""
    user_model = get_user_model()
    q = connection.ops.quote_name
    sql = (f"SELECT {plain_sql.columns(ApiToken, 't')}, {plain_sql.columns(user_model, 'u')}, "
           f"{plain_sql.columns(Contact, 'c')}, {plain_sql.columns(Organisation, 'o')} "
           f"FROM {q(ApiToken._meta.db_table)} t JOIN {q(user_model._meta.db_table)} u ON u.id = t.user_id "
           f"LEFT JOIN {q(Contact._meta.db_table)} c ON c.user_id = u.id "
           f"LEFT JOIN {q(Organisation._meta.db_table)} o ON o.id = c.organisation_id "
           f"WHERE t.digest = %s AND t.revoked_at IS NULL")
    with connection.cursor() as cursor:
        cursor.execute(sql, [digest])
        row = cursor.fetchone()
    if row is None:
        return None
    at = 0
    token = plain_sql.instance(ApiToken, row, at)
    at += plain_sql.width(ApiToken)
    token.user = plain_sql.instance(user_model, row, at)
    at += plain_sql.width(user_model)
    contact = plain_sql.instance(Contact, row, at)
    if contact is not None:
        contact.organisation = plain_sql.instance(Organisation, row, at + plain_sql.width(Contact))
        token.user.contact = contact
    return token


class TokenAuth(HttpBearer):
    """``Authorization: Bearer <token>`` with a token issued by :meth:`ApiToken.issue`."""

    def authenticate(self, request: HttpRequest, token: str):
        token = token.strip()
        if not token or len(token) > MAX_TOKEN_LENGTH:
            raise AuthenticationError(401, _("invalid API token"))
        found = live_token(hash_token(token))
        if found is None or not found.user.is_active:
            raise AuthenticationError(401, _("invalid or revoked API token"))
        if found.is_expired():
            raise AuthenticationError(401, _("expired API token"))
        _touch(found)
        request.api_token = found
        return found.user


def _touch(token: ApiToken) -> None:
    """Record use, at most once a minute (one conditional UPDATE, none in between)."""
    now = timezone.now()
    if token.last_used_at is not None and now - token.last_used_at < LAST_USED_RESOLUTION:
        return
    ApiToken.objects.filter(pk=token.pk).filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - LAST_USED_RESOLUTION)
    ).update(last_used_at=now)


class LoggedInSession(SessionAuth):
    """Django session auth (ninja's ``django_auth``) with its CSRF check for unsafe methods.

    The CSRF check only runs for a logged-in user: an anonymous call then ends in 401
    rather than a confusing 403 about CSRF.
    """

    def __call__(self, request: HttpRequest):
        if not request.user.is_authenticated:
            return None
        return super().__call__(request)


#: Tried in order: a bearer token, then the session.
API_AUTH = [TokenAuth(), LoggedInSession()]
