"""The rate limits' counter (meldpunt.accounts.ratewindow): one statement per call, a window
per caller that starts with its first call and starts again after it ended."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from meldpunt.accounts.models import RateWindow
from meldpunt.accounts.ratewindow import hit

pytestmark = pytest.mark.django_db


def test_calls_count_in_the_window_of_their_first_call_then_a_new_window_starts():
    assert hit("robot", 60, now=1000.0) == (1, 1000.0)
    assert hit("robot", 60, now=1030.0) == (2, 1000.0)
    assert hit("robot", 60, now=1059.5) == (3, 1000.0)
    assert hit("robot", 60, now=1060.0) == (1, 1060.0)  # the window of 1000 ended at 1060
    assert hit("robot", 60, now=1061.0) == (2, 1060.0)
    assert RateWindow.objects.get(ident="robot").hits == 2


def test_each_caller_has_a_count_of_its_own_and_a_call_is_one_statement():
    hit("a", 60, now=1000.0)
    with CaptureQueriesContext(connection) as queries:
        assert hit("a", 60, now=1001.0) == (2, 1000.0)
    assert len(queries) == 1
    assert hit("b", 60, now=1002.0) == (1, 1002.0)
    assert RateWindow.objects.count() == 2


def test_a_refused_call_says_how_long_until_the_window_ends(settings):
    from django.test import RequestFactory

    from meldpunt.accounts.throttle import FormThrottle

    request = RequestFactory().post("/book", REMOTE_ADDR="192.0.2.7")
    throttle = FormThrottle("booking", "2/hour")
    assert throttle.allow_request(request) and throttle.allow_request(request)
    assert not throttle.allow_request(request)
    assert 3590 < throttle.wait() <= 3600
    other = RequestFactory().post("/book", REMOTE_ADDR="192.0.2.8")
    assert throttle.allow_request(other)
