"""Login rate limiting: five failures per user name and address in 15 minutes, then refused."""

from __future__ import annotations

import pytest
from django.test import Client

from meldpunt.escalation.models import LoginAttempt
from tests.desk import factories as f

pytestmark = pytest.mark.django_db


def _login(client, username, password, ip="10.0.0.1", path="/login/"):
    return client.post(path, {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_five_failures_lock_the_name_from_that_address_with_a_clear_message():
    user = f.staff_user("target")
    client = Client()
    for _ in range(5):
        assert _login(client, "target", "wrong").status_code == 200
    refused = _login(client, "target", "pw-agent-123")  # the right password, too late
    assert refused.status_code == 429
    assert "Too many failed logins for this user name from your address" in refused.content.decode()
    assert "_auth_user_id" not in client.session
    # Another address is not locked out by someone else's guessing.
    other = Client()
    assert _login(other, "target", "pw-agent-123", ip="10.0.0.2").status_code == 302
    assert other.session["_auth_user_id"] == str(user.pk)


def test_the_admin_login_is_limited_as_well():
    f.staff_user("boss")
    client = Client()
    for _ in range(5):
        _login(client, "boss", "nope", path="/admin/login/")
    _login(client, "boss", "pw-agent-123", path="/admin/login/")
    assert "_auth_user_id" not in client.session


def test_a_successful_login_clears_the_failures():
    f.staff_user("forgetful")
    client = Client()
    for _ in range(4):
        _login(client, "forgetful", "wrong")
    assert _login(client, "forgetful", "pw-agent-123").status_code == 302
    assert not LoginAttempt.objects.filter(username="forgetful").exists()


def test_passwords_are_stored_hashed_and_forms_carry_csrf_tokens():
    user = f.staff_user("hashed")
    assert user.password.startswith(("pbkdf2_", "argon2", "md5$")) and "pw-agent-123" not in user.password
    page = Client(enforce_csrf_checks=True).get("/login/")
    assert 'name="csrfmiddlewaretoken"' in page.content.decode()
    assert Client(enforce_csrf_checks=True).post("/login/", {"username": "hashed", "password": "x"}).status_code == 403
