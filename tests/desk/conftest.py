"""Fixtures shared by the desk tests: an API client and a two-organisation desk."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from tests.desk import factories as f


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
