"""The core words priority reasons and errors as codes (it has no gettext); every code has
its translated text in the app, with the same placeholders, so none reaches a person in
English only."""

import re

import pytest
from django.utils import translation

from meldpunt.core import priority
from meldpunt.core.priority import PriorityError, PriorityScheme, assign_priority
from meldpunt.tickets.wording import PRIORITY_ERRORS, PRIORITY_REASONS, priority_error_words


def _names(text: str) -> set[str]:
    return set(re.findall(r"\{(\w+)", text)) | set(re.findall(r"%\((\w+)\)", text))


def test_every_core_code_has_a_translated_text_with_the_same_placeholders():
    assert set(PRIORITY_REASONS) == set(priority.REASONS)
    assert set(PRIORITY_ERRORS) == set(priority.ERRORS)
    for tables in ((priority.REASONS, PRIORITY_REASONS), (priority.ERRORS, PRIORITY_ERRORS)):
        core, app = tables
        for code, english in core.items():
            assert _names(english) == _names(str(app[code])), code
            with translation.override("en"):
                assert str(app[code]) == re.sub(r"\{(\w+)(!r)?\}", lambda m: f"%({m[1]}){'r' if m[2] else 's'}", english)
            with translation.override("nl"):
                assert str(app[code]) != english and "%(" in str(app[code]) or code == "unassessed", code


def test_a_priority_error_reads_dutch_for_a_dutch_reader():
    scheme = PriorityScheme(scheme="matrix", levels=("A", "B"), impacts=("one",), urgencies=("low",),
                            matrix={("one", "low"): "B"})
    with pytest.raises(PriorityError) as refused:
        assign_priority(scheme, "incident", requested="Z")
    assert str(refused.value) == "priority 'Z' is not one of A, B"
    with translation.override("nl"):
        assert priority_error_words(refused.value) == "prioriteit 'Z' is niet een van A, B"
