"""Browser tests: Playwright (from PyPI) drives Debian's Chromium against pytest-django's
live server. Never `playwright install`: the browser is /usr/bin/chromium (RECIPES.md)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; Django's ORM calls from the test
# body are still plain synchronous calls, so the async-safety guard does not apply.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class Session:
    """One person in their own browser context, with every page error and failed request kept."""

    def __init__(self, browser, base_url: str, *, locale: str = "nl-NL", viewport=(1280, 900), bypass_csp: bool = False):
        # bypass_csp: only for tests that inject a checker script (axe-core) into our pages.
        self.base_url = base_url
        self.context = browser.new_context(locale=locale, viewport={"width": viewport[0], "height": viewport[1]},
                                           bypass_csp=bypass_csp)
        self.context.set_default_timeout(10_000)
        self.page = self.context.new_page()
        self.problems: list[str] = []
        self.page.on("pageerror", lambda exc: self.problems.append(f"page error: {exc}"))
        self.page.on("console", self._console)
        self.page.on("response", self._response)

    def _console(self, message):
        # Failed loads are judged by _response (a 404 page for a foreign id is expected).
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.problems.append(f"console: {message.text}")

    def _response(self, response):
        if response.status >= 500 or ("/static/" in response.url and response.status >= 400):
            self.problems.append(f"{response.status} {response.url}")

    def go(self, path: str):
        return self.page.goto(self.base_url + path)

    def submit(self, selector: str) -> None:
        """Click a button that sends a form, and wait for the page it leads to."""
        with self.page.expect_navigation():
            self.page.click(selector)

    def login(self, username: str, password: str) -> None:
        self.go("/login/")
        self.page.fill("#id_username", username)
        self.page.fill("#id_password", password)
        self.submit("main form button[type=submit]")

    def shot(self, name: str, *, full_page: bool = True) -> None:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SCREENSHOTS / name), full_page=full_page)

    def close(self) -> None:
        self.context.close()


@pytest.fixture(scope="session")
def live_server(request):
    """pytest-django's live server, but with static files served as in production: by
    WhiteNoise's middleware from the collected folder under their hashed names (the manifest),
    not by Django's development handler, which looks up source files and knows no hashed names."""
    from pytest_django.live_server_helper import LiveServer

    server = LiveServer(request.config.getvalue("liveserver") or "localhost", start=False)
    server.thread.static_handler = lambda app: app  # no handler in front of the WSGI app
    if server.thread.connections_override:
        # An in-memory SQLite database is one connection, shared with the server's thread.
        # Django's threaded server would run a page's parallel requests (two file previews)
        # on it at once, which sqlite3 refuses ("bad parameter or other API misuse"): serve
        # one request at a time, in the server's own thread, instead.
        from django.core.servers.basehttp import WSGIServer

        class OneAtATimeServer(WSGIServer):
            def __init__(self, *args, connections_override=None, **kwargs):
                super().__init__(*args, **kwargs)  # the thread applies the connections itself

        server.thread.server_class = OneAtATimeServer
    server.start()
    yield server
    server.stop()


@pytest.fixture
def session(browser, live_server):
    opened: list[Session] = []

    def open_session(**kwargs) -> Session:
        s = Session(browser, live_server.url, **kwargs)
        opened.append(s)
        return s

    yield open_session
    problems = [p for s in opened for p in s.problems]
    for s in opened:
        s.close()
    assert not problems, problems
