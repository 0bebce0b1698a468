"""Shared test set-up. Under CI=true a skipped test fails the run: nothing hides behind a skip."""

import os
from pathlib import Path

import pytest

# Fixtures every app's tests use: the file_storage fixture (disk and a local S3 server), a
# two-organisation desk with an API client, Dovecot and an SMTP sink (tests/support/).
pytest_plugins = ["tests.support.filestores", "tests.support.desk_fixtures", "tests.support.mail_fixtures"]


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


@pytest.fixture(autouse=True)
def _language_reset():
    """A request in Dutch leaves Dutch active in the thread (LocaleMiddleware activates, nothing
    deactivates); the next test starts in the default language, as a new request would."""
    yield
    from django.utils import translation

    translation.deactivate()


@pytest.fixture(scope="session", autouse=True)
def _collected_static():
    """Pages name static files by their hashed names from the manifest (production's storage),
    so the suite collects once, like a deploy does, into its own folder under MELDPUNT_DATA.
    Compressing every file takes ~15 s, so it is redone only when a source file is newer than
    the last collection (the same rule `make run` follows); a folder's time counts too, so a
    renamed file is noticed."""
    from django.conf import settings
    from django.contrib.staticfiles import finders
    from django.core.management import call_command
    from django.test import override_settings

    root = Path(settings.DATA_DIR) / "test-static"
    override_settings(STATIC_ROOT=root).enable()
    os.environ["MELDPUNT_STATIC_ROOT"] = str(root)  # for the meldpunt processes tests start
    stamp = root / ".collected"
    sources = (storage.path(path) for finder in finders.get_finders() for path, storage in finder.list([]))
    newest = max(max(os.path.getmtime(s), os.path.getmtime(os.path.dirname(s))) for s in sources)
    if not stamp.exists() or stamp.stat().st_mtime < newest:
        call_command("collectstatic", interactive=False, verbosity=0)
        stamp.touch()
    yield
