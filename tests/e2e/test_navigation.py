"""Issue 21 item 3: the navigation groups its destinations per audience, fits one line at
1280 px for every role, opens its menus with a click (no JavaScript needed: <details>) and
folds behind "Menu" on a 375 px phone."""

from __future__ import annotations

import pytest

from tests.support import factories as f

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def person(session):
    """A browser session with patience for a loaded machine (navigation only; no assertion waits)."""
    def open_session(**kwargs):
        s = session(**kwargs)
        s.context.set_default_timeout(60_000)
        return s
    return open_session


def single_line(page) -> None:
    """Every top-level item of the header sits on one row: the same top, and the header no
    taller than one line of its tallest control."""
    tops = page.eval_on_selector_all(
        "#site-header > .brand, .nav-list > li, #site-header form, #site-header .site-menu > a",
        "els => els.map(e => Math.round(e.getBoundingClientRect().top + e.getBoundingClientRect().height / 2))")
    assert max(tops) - min(tops) <= 4, tops
    nav = page.eval_on_selector(".main-nav", "e => e.getBoundingClientRect().height")
    header = page.eval_on_selector("#site-header", "e => e.getBoundingClientRect().height")
    sizes = page.eval_on_selector_all("#site-header .site-menu > *", "els => els.map(e => [e.tagName, e.className, Math.round(e.getBoundingClientRect().height), Math.round(e.getBoundingClientRect().width)])")
    assert nav < 48 and header < 70, (nav, header, sizes)


@pytest.mark.parametrize("locale", ["nl-NL", "en-GB"])
def test_navigation_is_one_line_at_1280_for_every_role(person, locale):
    org = f.organisation("Bakkerij De Vries B.V.")
    f.contact(org, username="coordinatrice-met-een-lange-naam")
    f.staff_user("agent-met-een-lange-naam")
    anonymous = person(locale=locale)
    anonymous.go("/")
    single_line(anonymous.page)
    assert not anonymous.page.locator(".menu-toggle").is_visible()
    for username, password in (("agent-met-een-lange-naam", "pw-agent-123"),
                               ("coordinatrice-met-een-lange-naam", "pw-customer-123")):
        someone = person(locale=locale)
        someone.login(username, password)
        single_line(someone.page)
        assert not someone.page.locator(".menu-toggle").is_visible()  # "Menu" is for phones only
        first_menu = someone.page.locator("details.dropdown").first
        assert not someone.page.locator("details.dropdown ul a").first.is_visible()
        first_menu.locator("summary").click()
        assert first_menu.locator("ul a").first.is_visible()
        someone.page.keyboard.press("Escape")
        assert not first_menu.locator("ul a").first.is_visible()


def test_staff_menus_lead_where_they_say(person):
    f.staff_user("agent")
    agent = person(locale="en-GB")
    agent.login("agent", "pw-agent-123")
    page = agent.page
    page.click("summary:has-text('Manage')")
    agent.submit("details[open] a:has-text('Invoice run')")
    assert page.url.endswith("/billing/run/") and page.locator("h1").inner_text() == "Invoice run"
    page.click("summary:has-text('Intake')")
    page.click("summary:has-text('Knowledge')")  # opening one closes the other
    assert page.locator("details.dropdown[open]").count() == 1
    agent.shot("navigation-1280.png", full_page=False)


def test_phone_folds_the_menu_behind_a_button(person):
    org = f.organisation("Bakkerij De Vries B.V.")
    f.contact(org, username="jan")
    phone = person(locale="nl-NL", viewport=(375, 740))
    phone.login("jan", "pw-customer-123")
    page = phone.page
    toggle = page.locator(".menu-toggle")
    assert toggle.is_visible() and toggle.get_attribute("aria-expanded") == "false"
    assert not page.locator(".main-nav").is_visible()
    header = page.eval_on_selector("#site-header", "e => e.getBoundingClientRect().height")
    assert header < 80, header  # folded: the header takes one line of the phone
    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "true" and page.locator(".main-nav").is_visible()
    page.click("summary:has-text('Mijn organisatie')")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, width  # nothing sticks out sideways
    phone.submit("details[open] a:has-text('Overeenkomst')")
    assert "/portal/agreements" in page.url
    phone.shot("navigation-375.png")
