"""Login protection (django-axes): five failed logins from one address lock that address for
the cool-off time, whatever user names it tries; other addresses are not affected; the lockout
is a 429 with a clear message on the login page and on the admin's. Behind a trusted proxy
the client's address comes from X-Forwarded-For; without one that header is ignored."""

from __future__ import annotations

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.utils import timezone

from tests.support import factories as f

pytestmark = pytest.mark.django_db
PASSWORD = "pw-agent-123"


def _login(client, username, password, ip="10.0.0.1", path="/login/", **extra):
    return client.post(path, {"username": username, "password": password}, REMOTE_ADDR=ip, **extra)


def test_five_failures_lock_the_address_with_a_clear_message():
    user = f.staff_user("target")
    client = Client()
    for _ in range(4):
        assert _login(client, "target", "wrong").status_code == 200
    assert _login(client, "target", "wrong").status_code == 429  # the fifth locks
    refused = _login(client, "target", PASSWORD)  # the right password, too late
    assert refused.status_code == 429
    assert "Too many failed logins from your address. Wait 15 minutes" in refused.content.decode()
    assert "_auth_user_id" not in client.session
    # Another address is not locked out by someone else's guessing.
    other = Client()
    assert _login(other, "target", PASSWORD, ip="10.0.0.2").status_code == 302
    assert other.session["_auth_user_id"] == str(user.pk)


def test_the_lockout_message_is_dutch_for_a_dutch_visitor():
    f.staff_user("target")
    client = Client(headers={"accept-language": "nl"})
    for _ in range(5):
        _login(client, "target", "fout")
    page = _login(client, "target", PASSWORD).content.decode()
    assert "Te veel mislukte aanmeldpogingen vanaf uw adres. Wacht 15 minuten" in page


def test_one_address_trying_many_user_names_is_locked_too():
    f.staff_user("victim")
    client = Client()
    for n in range(5):
        _login(client, f"guess{n}", "wrong", ip="10.0.0.9")
    assert _login(client, "victim", PASSWORD, ip="10.0.0.9").status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_lock_ends_after_the_cool_off_time():
    f.staff_user("patient")
    client = Client()
    for _ in range(5):
        _login(client, "patient", "wrong")
    assert _login(client, "patient", PASSWORD).status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    assert _login(client, "patient", PASSWORD).status_code == 302


def test_the_admin_login_is_limited_as_well():
    f.staff_user("boss")
    client = Client()
    for _ in range(5):
        _login(client, "boss", "nope", path="/admin/login/")
    refused = _login(client, "boss", PASSWORD, path="/admin/login/")
    assert refused.status_code == 429
    assert "Too many failed logins" in refused.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_successful_login_clears_the_failures():
    f.staff_user("forgetful")
    client = Client()
    for _ in range(4):
        _login(client, "forgetful", "wrong")
    assert _login(client, "forgetful", PASSWORD).status_code == 302
    assert not AccessAttempt.objects.filter(ip_address="10.0.0.1", failures_since_start__gt=0).exists()
    client.logout()
    for _ in range(4):  # a fresh count of four does not lock
        assert _login(client, "forgetful", "wrong").status_code == 200


def test_a_forwarded_header_is_ignored_without_a_trusted_proxy():
    f.staff_user("spoof")
    client = Client()
    for n in range(5):  # a new made-up address each time does not escape the lock
        _login(client, "spoof", "wrong", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")
    assert _login(client, "spoof", PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.99").status_code == 429


def test_behind_a_trusted_proxy_the_forwarded_client_address_counts(settings):
    settings.MELDPUNT_TRUSTED_PROXIES = 1
    user = f.staff_user("behind")
    proxy = "10.0.0.254"
    client = Client()
    for _ in range(5):  # the client put a fake first entry; the proxy appended the real one
        _login(client, "behind", "wrong", ip=proxy, HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.5")
    assert _login(client, "behind", PASSWORD, ip=proxy, HTTP_X_FORWARDED_FOR="203.0.113.5").status_code == 429
    assert AccessAttempt.objects.filter(ip_address="203.0.113.5").exists()
    # Another client behind the same proxy still gets in.
    other = Client()
    assert _login(other, "behind", PASSWORD, ip=proxy, HTTP_X_FORWARDED_FOR="203.0.113.6").status_code == 302
    assert other.session["_auth_user_id"] == str(user.pk)


def test_passwords_are_stored_hashed_and_forms_carry_csrf_tokens():
    user = f.staff_user("hashed")
    assert user.password.startswith(("pbkdf2_", "argon2", "md5$")) and PASSWORD not in user.password
    page = Client(enforce_csrf_checks=True).get("/login/")
    assert 'name="csrfmiddlewaretoken"' in page.content.decode()
    assert Client(enforce_csrf_checks=True).post("/login/", {"username": "hashed", "password": "x"}).status_code == 403


def test_a_login_without_a_request_is_not_counted_nor_refused():
    """Scripts and the test client's login() call authenticate() without a request."""
    from django.contrib.auth import authenticate

    user = f.staff_user("script")
    assert authenticate(username="script", password="wrong") is None
    assert authenticate(username="script", password=PASSWORD) == user
    assert not AccessAttempt.objects.exists()


def test_logging_in_to_ones_own_account_does_not_reset_guesses_at_another():
    f.staff_user("victim")
    f.staff_user("mallory")
    client = Client()
    for _ in range(4):
        _login(client, "victim", "guess")
    assert _login(client, "mallory", PASSWORD).status_code == 302
    client.logout()
    assert _login(client, "victim", "guess").status_code == 429  # the fifth guess from that address
