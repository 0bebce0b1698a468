"""Fixtures shared by the desk tests: an API client and a two-organisation desk."""

from __future__ import annotations

import json
import logging

import pytest
from django.db import transaction
from django.test import Client
from django.utils import translation

from tests.support import factories as f


class Api:
    """A client that sends one user's bearer token and JSON bodies."""

    def __init__(self, user=None, raw_token: str | None = None, **headers):
        self.client = Client()
        self.headers = dict(headers)
        if user is not None or raw_token is not None:
            self.headers["HTTP_AUTHORIZATION"] = f"Bearer {raw_token or f.token(user)}"

    def get(self, path, **params):
        return self.client.get(path, params, **self.headers)

    def post(self, path, body=None, raw: str | None = None, **headers):
        data = raw if raw is not None else json.dumps(body or {})
        return self.client.post(path, data, content_type="application/json", **self.headers, **headers)


@pytest.fixture
def desk():
    """Two customer organisations on ERP.M Small, each with a coordinator and a plain contact."""
    org_a, org_b = f.organisation("Alpha BV"), f.organisation("Beta BV")
    a_coord, b_coord = f.contact(org_a), f.contact(org_b)
    return {
        "staff": f.staff_user(),
        "org_a": org_a, "org_b": org_b,
        "agr_a": f.agreement(org_a, "erpm", "small", coordinator=a_coord),
        "agr_b": f.agreement(org_b, "erpm", "small", coordinator=b_coord),
        "a_coord": a_coord, "a_plain": f.contact(org_a, coordinator=False),
        "a_plain2": f.contact(org_a, coordinator=False), "b_coord": b_coord,
    }


@pytest.fixture(scope="module")
def crawl_world(django_db_setup, django_db_blocker):
    """The crawl's desk (tests/support/crawl_world.py), built once per module; every crawled
    request is rolled back, so it stays as built."""
    from tests.support.crawl_world import build_world

    with django_db_blocker.unblock(), transaction.atomic():
        yield build_world()
        transaction.set_rollback(True)


@pytest.fixture
def crawling():
    """Thousands of 404s and 405s are the crawl working: only errors are logged. The language
    the last (Dutch) request left active is put back for the next test."""
    logger = logging.getLogger("django.request")
    level, language = logger.level, translation.get_language()
    logger.setLevel(logging.ERROR)
    yield
    logger.setLevel(level)
    translation.activate(language)
