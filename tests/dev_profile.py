"""A pytest plugin (``-p tests.dev_profile`` in pyproject.toml), loaded before pytest-django
reads the settings: the suite runs in the development profile, ``MELDPUNT_DEBUG=1``, so the
public development key is allowed. pytest-django still turns DEBUG off while a test runs;
subprocesses inherit the variable. Tests of the production profile give their own
environment (tests/deploy). Log records go up to pytest's capture (``MELDPUNT_LOG_STREAM=none``):
tests call ``meldpunt.cli.main`` in this process and read what it prints; caplog sees them."""

import os

os.environ.setdefault("MELDPUNT_DEBUG", "1")
os.environ.setdefault("MELDPUNT_LOG_STREAM", "none")
