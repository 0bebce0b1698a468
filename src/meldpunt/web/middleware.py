"""A request body that is too large answers 413 with a clear message, on pages and the API.

Django refuses such bodies with RequestDataTooBig, TooManyFieldsSent or TooManyFilesSent
and answers 400. Here: a body whose Content-Length passes ``MELDPUNT_MAX_REQUEST_BYTES``
(or, when it is not multipart, DATA_UPLOAD_MAX_MEMORY_SIZE, the limit Django applies to
``request.body``) is answered before a byte of it is read; a form body is parsed in
``process_view`` before CsrfViewMiddleware parses it, so its errors map to 413 too (views
exempt from CSRF, like the portal's upload form and the API, parse their own bodies and
reach ``process_exception``).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpResponse, JsonResponse, UnreadablePostError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

TOO_LARGE = (RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent)


def too_large(request) -> HttpResponse:
    message = _("The request is too large: at most %(size)s can be sent at once. Send fewer or smaller files.") % {
        "size": filesizeformat(settings.MELDPUNT_MAX_REQUEST_BYTES)}
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=413)
    return HttpResponse(message, content_type="text/plain; charset=utf-8", status=413)


def _content_length(request) -> int:
    try:
        return max(int(request.META.get("CONTENT_LENGTH") or 0), 0)
    except ValueError:
        return 0


class BodyLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        length = _content_length(request)
        data_limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if length > settings.MELDPUNT_MAX_REQUEST_BYTES or (
                data_limit is not None and length > data_limit and request.content_type != "multipart/form-data"):
            return too_large(request)
        return self.get_response(request)

    def process_view(self, request, view, args, kwargs):
        if request.method == "POST" and not getattr(view, "csrf_exempt", False):
            try:
                request.POST  # noqa: B018 -- parsed here so that a too-large form answers 413
            except TOO_LARGE:
                return too_large(request)
            except UnreadablePostError:
                pass  # the client went away; CsrfViewMiddleware answers as it always does
        return None

    def process_exception(self, request, exception):
        return too_large(request) if isinstance(exception, TOO_LARGE) else None
