"""How the API reports failures: always JSON ``{"detail": "..."}`` with a fitting status.

TicketError → 400, ConflictError → 409, anything not found → 404 (with the same words
whether the row does not exist or belongs to another organisation), no credentials → 401.
"""

from __future__ import annotations

from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError

from meldpunt.tickets.services import ConflictError, TicketError


class NotFound(Exception):
    """The caller may not see it or it does not exist; both answer the same 404."""

    def __init__(self, what: str):
        super().__init__(f"{what} not found")


def install_error_handlers(api: NinjaAPI) -> None:
    def detail(request: HttpRequest, message: str, status: int) -> HttpResponse:
        return api.create_response(request, {"detail": message}, status=status)

    @api.exception_handler(TicketError)
    def ticket_error(request, exc):
        return detail(request, str(exc), 400)

    @api.exception_handler(ConflictError)
    def conflict(request, exc):
        return detail(request, str(exc), 409)

    @api.exception_handler(NotFound)
    def not_found(request, exc):
        return detail(request, str(exc), 404)

    @api.exception_handler(Http404)
    def http404(request, exc):
        return detail(request, "not found", 404)

    @api.exception_handler(ObjectDoesNotExist)
    def missing_row(request, exc):
        return detail(request, "not found", 404)

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request, exc):
        message = exc.message
        if message == "Unauthorized":  # ninja's own words when no method applied
            message = "authentication required: send 'Authorization: Bearer <token>' or log in"
        response = detail(request, message, 401)
        response["WWW-Authenticate"] = 'Bearer realm="meldpunt"'
        return response
