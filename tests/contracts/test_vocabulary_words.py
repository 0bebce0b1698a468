"""Issue 21 item 1: the shared words of every catalog (request kinds, entitlements) are read
through gettext; the core holds only their marked English, the Dutch is in the catalogue."""

from __future__ import annotations

from pathlib import Path

from django.utils import translation

import meldpunt
from meldpunt.contracts.vocabulary_words import entitlement_label, kind_label
from meldpunt.core import vocabulary
from meldpunt.core.vocabulary import ENTITLEMENTS, KINDS
from meldpunt.tickets.models import KIND_CHOICES
from tests.support.po import read

CATALOGUE = Path(meldpunt.__file__).parent / "locale" / "nl" / "LC_MESSAGES" / "django.po"


def test_labels_read_in_the_language_asked_or_the_active_one():
    assert entitlement_label("remote_access", "nl") == "Toegang op afstand (klant autoriseert en is aanwezig; alleen meekijken)"
    assert entitlement_label("remote_access", "en") == "Remote access (customer authorises and is present; staff only look)"
    assert kind_label("change", "nl") == "Wijzigingsverzoek" and kind_label("change", "en") == "Change request"
    with translation.override("nl"):
        assert entitlement_label("portal_24x7") == "Online portaal 24/7" and kind_label("advisory") == "Verzoek adviesdiensten"
        assert entitlement_label("portal_24x7", "en") == "Online portal 24/7"  # the language asked wins
        assert translation.get_language() == "nl"  # and the active one is back afterwards
    with translation.override("en"):
        assert kind_label("licence_key") == "Licence key request"
    assert kind_label("fax") == "fax" and entitlement_label("free_lunch", "nl") == "free_lunch"


def test_every_label_has_its_dutch_in_the_catalogue():
    translated = {e.msgid: e.strings[0] for e in read(CATALOGUE) if e.translated and not e.context}
    missing = [english for english in [*KINDS.values(), *ENTITLEMENTS.values()] if english not in translated]
    assert not missing
    for name, english in ENTITLEMENTS.items():
        assert entitlement_label(name, "nl") == translated[english]
    for kind, english in KINDS.items():
        assert kind_label(kind, "nl") == translated[english]


def test_the_core_holds_no_dutch():
    source = Path(vocabulary.__file__).read_text(encoding="utf-8")
    dutch = {entitlement_label(name, "nl") for name in ENTITLEMENTS} | {kind_label(kind, "nl") for kind in KINDS}
    dutch -= {*KINDS.values(), *ENTITLEMENTS.values()}  # words both languages spell alike ("Incident")
    assert len(dutch) > 40
    assert [word for word in dutch if f'"{word}"' in source] == []
    assert all(isinstance(english, str) for english in [*KINDS.values(), *ENTITLEMENTS.values()])


def test_the_ticket_kind_choices_are_the_same_words():
    """One table of kind names: the model's choices (forms, filters, mails) say what kind_label says."""
    assert [kind for kind, _ in KIND_CHOICES] == list(KINDS)
    for language in ("nl", "en"):
        with translation.override(language):
            assert {kind: str(words) for kind, words in KIND_CHOICES} == {kind: kind_label(kind) for kind in KINDS}
