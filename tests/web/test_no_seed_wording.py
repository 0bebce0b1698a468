"""No page, API description, mail template, translation or catalog text a person reads
mentions the seeds (issue 20): "seed 001" is how this project cites the vendors' policies
in docstrings and comments, never a word for customers or agents.

The pages are the crawl's (tests/support/crawl.py): every route once, as vendor staff and as
the customer's coordinator, in English and Dutch, on the crawl's world (a ticket of every
shape, proposals, weekends, bookings, knowledge).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from django.test import Client

from meldpunt.core.catalog_loader import PRESETS, load_preset
from tests.support.crawl import Crawler, page_targets

SEED = re.compile(r"\bseeds?\b", re.IGNORECASE)
SRC = Path(__file__).resolve().parents[2] / "src" / "meldpunt"
EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "alpenlogik.toml"


def mentions(text: str) -> list[str]:
    return [text[max(0, m.start() - 60): m.end() + 60] for m in SEED.finditer(text)]


def test_the_word_finder_finds_the_word_and_only_the_word():
    assert mentions("Request a licence key (seed 001)") and mentions("Seeds 000/001: ...")
    assert not mentions("seedling") and not mentions("aseed")


@pytest.mark.django_db
def test_no_rendered_page_mentions_the_seeds(crawl_world, crawling):
    crawler = Crawler(crawl_world)
    first: dict[str, str] = {}
    for target in page_targets(crawl_world):
        if not target.route.lstrip("^").startswith("admin/") and not target.route.endswith("pdf/"):
            first.setdefault(target.route, target.url)
    found = []
    for language in ("en", "nl"):
        for role in ("staff", "coordinator"):
            client = crawler.client(role)
            client.cookies["django_language"] = language
            for url in first.values():
                response = crawler.request(role, "GET", url)
                if response.status_code == 200 and "html" in response.get("Content-Type", ""):
                    found += [f"{role} {language} {url}: …{hit}…" for hit in mentions(response.content.decode())]
    assert len(first) > 40  # the crawl reached the pages
    assert found == []


@pytest.mark.django_db
def test_the_api_description_does_not_mention_the_seeds():
    document = Client().get("/api/openapi.json").json()
    text = json.dumps(document, ensure_ascii=False)
    assert "/api/" in text or document["paths"]
    assert mentions(text) == []


def test_no_translation_or_mail_template_mentions_the_seeds():
    po = (SRC / "locale" / "nl" / "LC_MESSAGES" / "django.po").read_text("utf-8")
    texts = "\n".join(line for line in po.splitlines() if not line.startswith("#"))  # msgid and msgstr lines
    assert texts.count("msgid ") > 500
    found = mentions(texts)
    templates = [path for path in SRC.glob("*/templates/**/*") if path.suffix in (".txt", ".html")]
    assert any("mail" in str(path) for path in templates)
    found += [f"{path.relative_to(SRC)}: …{hit}…" for path in templates for hit in mentions(path.read_text("utf-8"))]
    assert found == []


def _texts(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [t for v in value.values() for t in _texts(v)]
    if isinstance(value, (list, tuple, set, frozenset)):
        return [t for v in value for t in _texts(v)]
    if hasattr(value, "__dataclass_fields__"):
        return [t for name in value.__dataclass_fields__ for t in _texts(getattr(value, name))]
    return []


@pytest.mark.parametrize("preset", PRESETS)
def test_no_catalog_text_mentions_the_seeds(preset):
    """Every text of a parsed preset (names, reasons, hints, rules) — comments in the file are
    the vendor's notes and are not read."""
    texts = _texts(load_preset(preset))
    assert len(texts) > 20
    assert [t for t in texts if mentions(t)] == []
