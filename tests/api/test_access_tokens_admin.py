"""API tokens: ``meldpunt issue-token`` prints one once, the admin's add form makes a real one
and shows it once, tokens expire; API throttling; the admin cannot change a ticket's status,
priority or clocks behind the services' back; Argon2 hashes and the password validators."""

from __future__ import annotations

import html
import re
from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from meldpunt.api.models import ApiToken, hash_token
from meldpunt.tickets.models import Ticket
from meldpunt.tickets.registration import create_ticket
from meldpunt.tickets.requests import NewRequest
from tests.support import factories as f

pytestmark = pytest.mark.django_db


def _get(raw: str, ip: str = "10.1.0.1"):
    return Client().get("/api/tickets", HTTP_AUTHORIZATION=f"Bearer {raw}", REMOTE_ADDR=ip)


def test_issue_token_prints_the_token_once_and_stores_only_its_digest():
    user = f.staff_user("robot")
    out, err = StringIO(), StringIO()
    call_command("issue_token", "robot", "--name", "ERP link", stdout=out, stderr=err)
    raw = out.getvalue().strip()
    token = ApiToken.objects.get(user=user)
    assert raw.startswith("mp_") and token.digest == hash_token(raw) and raw not in str(vars(token))
    assert token.name == "ERP link" and token.expires_at is None
    assert "shown only now" in err.getvalue() and "does not expire" in err.getvalue()
    assert _get(raw).status_code == 200


def test_issue_token_with_expiry_and_the_expired_token_answers_401():
    f.staff_user("robot")
    out = StringIO()
    call_command("issue_token", "robot", "--name", "short", "--expires", "7", stdout=out, stderr=StringIO())
    raw = out.getvalue().strip()
    token = ApiToken.objects.get()
    assert timedelta(days=6, hours=23) < token.expires_at - timezone.now() <= timedelta(days=7)
    assert _get(raw).status_code == 200
    ApiToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    refused = _get(raw)
    assert refused.status_code == 401 and refused.json() == {"detail": "expired API token"}


def test_issue_token_refuses_bad_input_with_one_line():
    f.staff_user("robot")
    for args, words in ((["ghost", "--name", "x"], "USER: no user 'ghost'"),
                        (["robot", "--name", "x", "--expires", "-1"], "--expires"),
                        (["robot", "--name", " "], "--name")):
        with pytest.raises(CommandError, match=words) as refused:
            call_command("issue_token", *args)
        assert refused.value.returncode == 2  # `meldpunt issue-token` exits 2 with that line
    assert not ApiToken.objects.exists()


def test_the_admin_add_form_makes_a_real_token_and_shows_it_once():
    admin = get_user_model().objects.create_superuser("root", "root@vendor.test", "pw-root-123")
    owner = f.staff_user("robot")
    client = Client()
    client.force_login(admin)
    assert client.get("/admin/api/apitoken/add/").status_code == 200
    shown = []
    for name in ("first", "second"):  # a second one used to hit the unique empty digest (500)
        page = client.post("/admin/api/apitoken/add/", {"user": owner.pk, "name": name, "expires_at_0": "",
                                                        "expires_at_1": ""})
        assert page.status_code == 200, page.content[:500]
        html = page.content.decode()
        raw = html.split('id="api-token"', 1)[1].split(">", 1)[1].split("<", 1)[0]
        assert raw.startswith("mp_") and "shown only this once" in html
        shown.append(raw)
    tokens = ApiToken.objects.order_by("id")
    assert [t.digest for t in tokens] == [hash_token(raw) for raw in shown]
    assert all(_get(raw).status_code == 200 for raw in shown)
    change = client.get(f"/admin/api/apitoken/{tokens[0].pk}/change/").content.decode()
    assert shown[0] not in change and tokens[0].digest not in change


def test_status_priority_and_clocks_are_read_only_in_the_admin():
    admin = get_user_model().objects.create_superuser("root", "root@vendor.test", "pw-root-123")
    org = f.organisation()
    agr = f.agreement(org, "erpm", "small")
    ticket, _ = create_ticket(NewRequest(organisation=org, agreement=agr, subject="Stock wrong", impact="organisation",
                              urgency="high", received_at=f.ams(2026, 12, 23, 10, 0)))
    client = Client()
    client.force_login(admin)
    page = client.get(f"/admin/tickets/ticket/{ticket.pk}/change/").content.decode()
    for field in ("status", "priority", "impact", "urgency"):
        assert f'name="{field}"' not in page, field
    assert 'name="clocks-0-due_at' not in page and 'name="clocks-0-state' not in page
    before = Ticket.objects.values("status", "priority").get(pk=ticket.pk)
    data = _form_values(page)
    data.update({"subject": "Changed subject", "status": "closed", "priority": "D"})
    saved = client.post(f"/admin/tickets/ticket/{ticket.pk}/change/", data)
    assert saved.status_code == 302, saved.content.decode()[:2000]
    assert Ticket.objects.get(pk=ticket.pk).subject == "Changed subject"  # the form did save
    assert Ticket.objects.values("status", "priority").get(pk=ticket.pk) == before
    assert client.get("/admin/tickets/ticket/add/").status_code == 403


def test_the_api_is_throttled_per_user(settings):
    settings.MELDPUNT_API_RATE = "3/min"
    _, raw = ApiToken.issue(f.staff_user("robot"), "t")
    assert [_get(raw, ip=f"10.3.0.{n}").status_code for n in range(3)] == [200, 200, 200]
    over = _get(raw, ip="10.3.0.9")  # a new address does not help: the count is the user's
    assert over.status_code == 429 and over.json() == {"detail": "Too many requests."}
    assert int(over["Retry-After"]) > 0
    _, other = ApiToken.issue(f.staff_user("robot2"), "t")
    assert _get(other, ip="10.3.0.1").status_code == 200  # another user has a count of its own


def test_argon2_hashes_new_passwords_and_the_validators_refuse_weak_ones(settings):
    from meldpunt import settings as project

    settings.PASSWORD_HASHERS = project.PASSWORD_HASHERS
    user = get_user_model().objects.create_user("fresh", "fresh@vendor.test", "correct-horse-battery")
    assert user.password.startswith("argon2$") and user.check_password("correct-horse-battery")
    for weak in ("short1", "password123", "12345678901", "fresh-vendor"):
        with pytest.raises(ValidationError):
            validate_password(weak, user)
    validate_password("correct-horse-battery", user)


def _form_values(page: str) -> dict:
    """The values a browser would send back from the admin's change form (inputs, selects, text)."""
    data = {}
    for tag in re.findall(r"<input[^>]*>", page):
        name, value = re.search(r'name="([^"]+)"', tag), re.search(r'value="([^"]*)"', tag)
        kind = re.search(r'type="([^"]+)"', tag)
        if name and (not kind or kind.group(1) not in ("checkbox", "submit")) or (name and "checked" in tag):
            data[name.group(1)] = html.unescape(value.group(1)) if value else ""
    for name, body in re.findall(r'<select name="([^"]+)"[^>]*>(.*?)</select>', page, re.S):
        chosen = re.search(r'<option value="([^"]*)"[^>]*selected', body)
        data[name] = chosen.group(1) if chosen else ""
    for name, body in re.findall(r'<textarea name="([^"]+)"[^>]*>(.*?)</textarea>', page, re.S):
        data[name] = html.unescape(body.lstrip("\n"))
    data.pop("csrfmiddlewaretoken", None)
    return data
