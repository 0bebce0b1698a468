"""Accessibility: axe-core (npm, pinned in package.json) runs in Chromium over the main pages
of the console and the portal, in Dutch and English, on the demo desk. A page passes when axe
finds no violation of impact "serious" or "critical" (WCAG 2 A/AA rules and best practices)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import call_command

from meldpunt.tickets.models import Ticket
from meldpunt.triage.followup import follow_up_pending

pytestmark = pytest.mark.django_db(transaction=True)

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
SEVERE = ("serious", "critical")

PUBLIC = ["/login/", "/catalogs/", "/bookings/"]
STAFF = ["/console/", "/console/triage/", "/console/tickets/{open}/", "/console/tickets/{advisory}/", "/reports/",
         "/billing/", "/knowledge/", "/knowledge/ideas/", "/knowledge/releases/", "/console/macros/"]
CUSTOMER = ["/portal/", "/portal/requests/new/", "/portal/requests/{mine}/", "/portal/agreements/", "/knowledge/",
            "/knowledge/community/"]


@pytest.fixture
def demo():
    call_command("load_demo")
    follow_up_pending()
    return {
        "open": Ticket.objects.get(subject__startswith="Orders uit Shopify").pk,
        "advisory": Ticket.objects.get(subject__startswith="Please build").pk,
        "mine": Ticket.objects.get(subject__startswith="Please build").pk,
    }


def _violations(s) -> list[str]:
    s.page.add_script_tag(path=str(AXE))
    result = s.page.evaluate(
        "async () => await axe.run(document, {resultTypes: ['violations'],"
        " runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})"
    )
    return [
        f"{v['impact']} {v['id']}: {v['help']} — {[n['target'] for n in v['nodes'][:3]]}"
        for v in result["violations"] if v["impact"] in SEVERE
    ]


@pytest.mark.parametrize("locale", ["nl-NL", "en-GB"])
def test_main_pages_have_no_serious_accessibility_violations(session, demo, locale):
    assert AXE.exists(), "axe-core is missing: run `make install` (npm ci installs it)"
    found: dict[str, list[str]] = {}
    visitor = session(locale=locale, bypass_csp=True)
    for path in PUBLIC:
        visitor.go(path)
        found[path] = _violations(visitor)
    for login, paths in (("agent", STAFF), ("emma", CUSTOMER)):
        person = session(locale=locale, bypass_csp=True)
        person.login(login, f"{login}-demo-2026")
        for path in paths:
            url = path.format(**demo)
            response = person.go(url)
            assert response.status < 400, (url, response.status)
            found[f"{login} {url}"] = _violations(person)
    problems = {page: v for page, v in found.items() if v}
    assert not problems, problems


def test_the_check_finds_a_serious_violation(session):
    """The check can fail: an image without a text alternative and an unlabelled field are
    critical violations for axe."""
    s = session(bypass_csp=True)
    s.page.set_content('<html lang="en"><body><main><img src="data:,"><input type="text"></main></body></html>')
    found = _violations(s)
    assert any("image-alt" in v for v in found) and any(v.startswith("critical label") for v in found), found
