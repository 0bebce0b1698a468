"""Schemathesis against /api/openapi.json: no 500s and no answer that breaks the document.

The schema is fetched from the running WSGI application (the same document clients read);
every operation is called with generated input, once as vendor staff and once as a customer
contact, each with a real bearer token. Checks: no server error, the status code is one the
document lists, the content type and the body match the documented response.
"""

from __future__ import annotations

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.support import factories as f

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """Calls go straight into the WSGI app, whose request signals would close the test's
    database connection (Django's own test client unhooks them the same way)."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def tokens(db):
    org = f.organisation()
    coordinator = f.contact(org)
    agreement = f.agreement(org, "erpm", "small", coordinator=coordinator)
    from meldpunt.tickets.registration import create_ticket
    from meldpunt.tickets.requests import NewRequest
    from meldpunt.tickets.services import add_message

    ticket, _ = create_ticket(NewRequest(organisation=org, agreement=agreement, contact=coordinator, subject="Seed ticket",
                                         impact="one", urgency="high"))
    add_message(ticket, "We are looking into it", author=f.staff_user())
    return {who: {"Authorization": f"Bearer {f.token(user)}"}
            for who, user in (("staff", f.staff_user()), ("customer", coordinator.user))}


#: Read from the app itself at collection (serving the document touches no database).
schema = schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application())


FUZZ = settings(max_examples=15, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much,
                                       HealthCheck.function_scoped_fixture])


@pytest.mark.django_db
@schema.parametrize()
@FUZZ
def test_the_api_never_errors_and_answers_staff_as_documented(case, tokens):
    case.call_and_validate(headers=tokens["staff"], checks=CHECKS)


@pytest.mark.django_db
@schema.parametrize()
@FUZZ
def test_the_api_never_errors_and_answers_a_customer_as_documented(case, tokens):
    case.call_and_validate(headers=tokens["customer"], checks=CHECKS)
