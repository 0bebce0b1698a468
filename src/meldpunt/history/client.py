"""A small client of django-helpdesk's REST API (DRF, token authentication), standard library
only: the tickets page by page with their follow-ups, and the attachments' files.

Every failure is a :class:`SourceError` with one line that says what to fix (a bad address,
a refused token, a page that is not the API's JSON)."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urlencode, urljoin, urlsplit

from django.utils.translation import gettext as _

#: Tickets per page asked for (the API's ``page_size``); it answers 25 when it ignores it.
PAGE_SIZE = 100
TIMEOUT = 60


class SourceError(Exception):
    """The source desk cannot be read; the message is one line for the person running it."""


def normalise(url: str) -> str:
    """The API's base address as given (``https://desk.example.com`` or ``…/api``), with
    ``/api`` and no trailing slash."""
    url = url.strip().rstrip("/")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise SourceError(_("--url %(url)r is not an http(s) address such as https://desk.example.com") % {"url": url})
    return url if url.endswith("/api") else url + "/api"


@dataclass
class Page:
    count: int
    tickets: list[dict]
    next: str | None


class HelpdeskClient:
    def __init__(self, url: str, token: str):
        self.base = normalise(url)
        if not token.strip():
            raise SourceError(_("--token is empty: give the DRF token of a staff user of the old desk"))
        self.headers = {"Authorization": f"Token {token.strip()}", "Accept": "application/json"}
        self.host = urlsplit(self.base).netloc

    def _open(self, url: str, *, auth: bool = True):
        # The token goes only to the desk's own host, never to another one an address names.
        headers = self.headers if auth and urlsplit(url).netloc == self.host else {}
        request = urllib.request.Request(url, headers=headers)
        try:
            return urllib.request.urlopen(request, timeout=TIMEOUT)  # noqa: S310 (http(s) checked in normalise)
        except urllib.error.HTTPError as exc:
            if exc.code in (401, 403):
                raise SourceError(_("%(url)s: the desk refused the token (%(code)s); give the token of a staff user")
                                  % {"url": url, "code": exc.code}) from None
            if exc.code == 404:
                raise SourceError(_("%(url)s: not found (404); is this django-helpdesk with HELPDESK_API_ENABLED?")
                                  % {"url": url}) from None
            raise SourceError(_("%(url)s: the desk answered %(code)s %(reason)s")
                              % {"url": url, "code": exc.code, "reason": exc.reason}) from None
        except OSError as exc:  # URLError, timeouts, refused connections
            reason = getattr(exc, "reason", exc)
            raise SourceError(_("%(url)s: cannot reach the desk (%(reason)s)") % {"url": url, "reason": reason}) from None

    def _json(self, url: str) -> dict:
        with self._open(url) as response:
            body = response.read()
        try:
            data = json.loads(body)
        except ValueError:
            raise SourceError(_("%(url)s: the answer is not JSON; is this the desk's API address?") % {"url": url}) from None
        if not isinstance(data, dict):
            raise SourceError(_("%(url)s: unexpected answer (not a page of tickets)") % {"url": url})
        return data

    def page(self, url: str | None = None) -> Page:
        """One page of tickets (the first one when ``url`` is None), oldest number first."""
        url = url or f"{self.base}/tickets/?{urlencode({'page_size': PAGE_SIZE})}"
        data = self._json(url)
        if "results" not in data or "count" not in data:
            raise SourceError(_("%(url)s: unexpected answer (no count and results); is this django-helpdesk's API?")
                              % {"url": url})
        return Page(int(data["count"]), list(data["results"]), data.get("next"))

    def tickets(self) -> Iterator[tuple[int, dict]]:
        """Every ticket with the total count, page after page (``next`` links)."""
        url: str | None = None
        while True:
            page = self.page(url)
            for ticket in page.tickets:
                yield page.count, ticket
            if not page.next:
                return
            url = urljoin(self.base + "/", page.next)

    def file(self, url: str) -> Iterator[bytes]:
        """An attachment's bytes in pieces, as the desk serves them (MEDIA_URL)."""
        address = urljoin(self.base + "/", url)
        with self._open(address) as response:
            if response.geturl() != address:  # sent to a login page: not the file
                raise SourceError(_("%(address)s: the desk did not serve the attachment (it redirected to "
                                    "%(target)s); serve MEDIA_URL to staff or the public")
                                  % {"address": address, "target": response.geturl()})
            while piece := response.read(1024 * 1024):
                yield piece
