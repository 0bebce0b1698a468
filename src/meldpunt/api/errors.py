"""How the API reports failures: always JSON ``{"detail": "..."}`` with a fitting status.

TicketError → 400, ConflictError → 409, anything not found → 404 (with the same words
whether the row does not exist or belongs to another organisation), no credentials → 401,
input that fails validation → 422 with ninja's list of errors, each ``msg`` in the caller's
language (:mod:`meldpunt.api.validation_words`).
"""

from __future__ import annotations

from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, ValidationError

from meldpunt.api.validation_words import worded
from meldpunt.tickets.services import ConflictError, TicketError

#: What a 404 names (``NotFound("ticket 5")``), in the reader's language.
THINGS = {"agreement": gettext_lazy("agreement"), "catalog": gettext_lazy("catalog"),
          "category request": gettext_lazy("category request"), "contact": gettext_lazy("contact"),
          "follower": gettext_lazy("follower"), "invoice": gettext_lazy("invoice"),
          "organisation": gettext_lazy("organisation"), "proposal": gettext_lazy("proposal"),
          "team": gettext_lazy("team"), "ticket": gettext_lazy("ticket"), "weekend": gettext_lazy("weekend")}


class NotFound(Exception):
    """The caller may not see it or it does not exist; both answer the same 404. ``what``
    is a thing and its reference ("ticket 5"), worded in the active language."""

    def __init__(self, what: str):
        thing, _sep, ref = what.rpartition(" ")
        if thing in THINGS:
            what = f"{THINGS[thing]} {ref}"
        super().__init__(_("%(what)s not found") % {"what": what})


#: ninja's answer to input that fails validation (422), as the OpenAPI document states it.
VALIDATION_ERROR_SCHEMA = {
    "title": "ValidationErrorOut",
    "type": "object",
    "properties": {"detail": {"type": "array", "items": {
        "type": "object",
        "properties": {"type": {"type": "string"}, "loc": {"type": "array", "items": {}}, "msg": {"type": "string"}},
        "required": ["type", "loc", "msg"],
    }}},
    "required": ["detail"],
}
ERROR_SCHEMA = {"title": "ErrorOut", "type": "object", "properties": {"detail": {"type": "string"}}, "required": ["detail"]}


def _document_common_errors(api: NinjaAPI) -> None:
    """List on every operation the answers any operation can give: 401 without valid
    credentials, 429 over the throttle rate and 422 for input that fails validation (found by schemathesis: both were
    answered but undocumented)."""
    build = api.get_openapi_schema

    def get_openapi_schema(*args, **kwargs):
        schema = build(*args, **kwargs)
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components.setdefault("ValidationErrorOut", VALIDATION_ERROR_SCHEMA)
        components.setdefault("ErrorOut", ERROR_SCHEMA)
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                responses = operation.setdefault("responses", {})
                responses.setdefault("401", {"description": "No valid credentials", "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}})
                responses.setdefault("429", {"description": "Too many requests; retry after Retry-After seconds",
                                             "content": {"application/json": {
                                                 "schema": {"$ref": "#/components/schemas/ErrorOut"}}}})
                if operation.get("parameters") or operation.get("requestBody"):
                    responses.setdefault("422", {"description": "The input failed validation", "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/ValidationErrorOut"}}}})
        return schema

    api.get_openapi_schema = get_openapi_schema


def install_error_handlers(api: NinjaAPI) -> None:
    _document_common_errors(api)

    def detail(request: HttpRequest, message: str, status: int) -> HttpResponse:
        return api.create_response(request, {"detail": message}, status=status)

    @api.exception_handler(TicketError)
    def ticket_error(request, exc):
        return detail(request, str(exc), 400)

    @api.exception_handler(ConflictError)
    def conflict(request, exc):
        return detail(request, str(exc), 409)

    @api.exception_handler(ValidationError)
    def invalid(request, exc):
        return api.create_response(request, {"detail": [worded(error) for error in exc.errors]}, status=422)

    @api.exception_handler(NotFound)
    def not_found(request, exc):
        return detail(request, str(exc), 404)

    @api.exception_handler(Http404)
    def http404(request, exc):
        return detail(request, _("not found"), 404)

    @api.exception_handler(ObjectDoesNotExist)
    def missing_row(request, exc):
        return detail(request, _("not found"), 404)

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request, exc):
        message = exc.message
        if message == "Unauthorized":  # ninja's own words when no method applied
            message = _("authentication required: send 'Authorization: Bearer <token>' or log in")
        response = detail(request, message, 401)
        response["WWW-Authenticate"] = 'Bearer realm="meldpunt"'
        return response
