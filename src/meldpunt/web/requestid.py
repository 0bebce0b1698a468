"""Every request gets an id: the proxy's ``X-Request-ID`` when it is sane, else a new one.

The id is put in :data:`meldpunt.logs.request_id` for the time of the request, so every log
line written while serving it carries it (also django.request's error with its traceback),
and it goes back in the response's ``X-Request-ID`` header: a person reporting an error can
quote it, and the operator finds the lines. The id is cleared when the response is closed
(``request_finished``), after Django has logged a 4xx/5xx answer, so that line has it too. A header that is too long or holds anything but
letters, digits and ``-_.:`` is not trusted (it would end up in log lines) and replaced.
"""

from __future__ import annotations

import re
import uuid

from django.core.signals import request_finished

from meldpunt.logs import request_id

HEADER = "X-Request-ID"
_SANE = re.compile(r"[A-Za-z0-9._:-]{1,128}")


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        given = request.headers.get(HEADER, "")
        rid = given if _SANE.fullmatch(given) else uuid.uuid4().hex
        request.request_id = rid
        request_id.set(rid)
        response = self.get_response(request)
        response[HEADER] = rid
        return response


def _forget(**kwargs) -> None:
    request_id.set("-")


request_finished.connect(_forget, dispatch_uid="meldpunt.web.requestid")
