"""Issue 21: the API's 422 answers speak the caller's language (Accept-Language, as the 404s
do) and keep pydantic's structure, so a client still acts on ``type`` and ``loc``."""

from __future__ import annotations

import pytest

from meldpunt.tickets.models import Ticket
from tests.support.desk_fixtures import Api

pytestmark = pytest.mark.django_db

BAD_TICKET = {"subject": "x" * 301, "kind": "gossip", "received_at": "1999-12-31T10:00:00+00:00"}


def _errors(response) -> dict[str, dict]:
    assert response.status_code == 422, response.content
    return {error["loc"][-1]: error for error in response.json()["detail"]}


@pytest.mark.parametrize("language, words", [
    ("en", {"subject": "String should have at most 300 characters",
            "kind": "Input should be 'incident', 'question', 'change', 'advisory', 'licence_key', 'installation' or 'consultant'",
            "received_at": "must be after 2000-01-01"}),
    ("nl", {"subject": "Tekst mag hoogstens 300 tekens lang zijn",
            "kind": "Invoer moet 'incident', 'question', 'change', 'advisory', 'licence_key', 'installation' of 'consultant' zijn",
            "received_at": "moet na 2000-01-01 liggen"}),
])
def test_a_422_is_worded_in_the_callers_language(desk, language, words):
    errors = _errors(Api(desk["staff"], HTTP_ACCEPT_LANGUAGE=language).post("/api/tickets", BAD_TICKET))
    assert {name: errors[name]["type"] for name in words} == {
        "subject": "string_too_long", "kind": "literal_error", "received_at": "value_error"}
    assert errors["subject"]["loc"] == ["body", "payload", "subject"] and errors["subject"]["ctx"] == {"max_length": 300}
    assert {name: errors[name]["msg"] for name in words} == words
    assert not Ticket.objects.exists()


def test_a_missing_field_and_a_number_that_is_not_one_in_dutch(desk):
    dutch = Api(desk["staff"], HTTP_ACCEPT_LANGUAGE="nl")
    assert _errors(dutch.post("/api/tickets", {}))["subject"] == {
        "type": "missing", "loc": ["body", "payload", "subject"], "msg": "Verplicht veld"}
    wrong_id = _errors(dutch.get("/api/tickets/abc"))["ticket_id"]
    assert wrong_id["type"] == "int_parsing" and wrong_id["msg"] == "Invoer moet een geheel getal zijn"
    english = _errors(Api(desk["staff"]).get("/api/tickets/abc"))["ticket_id"]
    assert english["msg"] == "Input should be a valid integer, unable to parse string as an integer"


def test_a_401_is_worded_in_the_callers_language(desk):
    dutch = Api(HTTP_ACCEPT_LANGUAGE="nl").get("/api/tickets")
    assert dutch.status_code == 401
    assert dutch.json()["detail"] == "aanmelding vereist: stuur 'Authorization: Bearer <token>' of meld u aan"
    english = Api(raw_token="mp_not-a-token").get("/api/tickets")
    assert english.status_code == 401 and english.json()["detail"] in ("invalid API token", "invalid or revoked API token")
    wrong = Api(raw_token="mp_not-a-token", HTTP_ACCEPT_LANGUAGE="nl").get("/api/tickets")
    assert wrong.status_code == 401 and wrong.json()["detail"] in ("ongeldig API-token", "ongeldig of ingetrokken API-token")
