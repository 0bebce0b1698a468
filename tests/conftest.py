"""Shared test set-up. Under CI=true a skipped test fails the run: nothing hides behind a skip."""

import os

import pytest


def pytest_sessionfinish(session, exitstatus):
    if os.environ.get("CI", "").lower() != "true":
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is None:
        return
    hidden = len(reporter.stats.get("skipped", [])) + len(reporter.stats.get("xfailed", []))
    if hidden:
        reporter.write_line(f"CI=true: {hidden} test(s) skipped or xfailed; that fails the run", red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.fixture(autouse=True)
def _fast_password_hashing(request):
    """Test users need no slow key stretching; production keeps Django's default hasher."""
    if "settings" not in request.fixturenames and not request.node.get_closest_marker("django_db"):
        yield
        return
    settings = request.getfixturevalue("settings")
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    yield
