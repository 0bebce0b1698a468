"""Issue 21: the core's targets and its refusals of a text that is no target are worded in the
reader's language by ``tickets.sla_words`` (the core returns codes, it has no gettext)."""

from __future__ import annotations

import pytest
from django.utils import translation

from meldpunt.contracts.catalog_words import target_error_words
from meldpunt.core.due import Target, TargetError
from meldpunt.tickets.sla_words import target_words


def test_a_target_is_worded_in_dutch_and_english():
    assert target_words(Target.parse("1bd"), "en") == "1 business day"
    assert target_words(Target.parse("3bd"), "nl") == "3 werkdagen"
    assert target_words(Target.parse("1h"), "nl") == "1 werkuur"
    assert target_words(Target.parse("90m"), "en") == "90 business minutes"
    assert target_words(Target.parse("planning"), "nl") == "in overleg met planning"


@pytest.mark.parametrize("text, code, english, dutch", [
    ("3x", "not_a_target", "'3x' is not a target like 90m, 2h, 3bd or planning",
     "'3x' is geen doeltijd zoals 90m, 2h, 3bd of planning"),
    ("0h", "not_a_target", "'0h' is not a target like 90m, 2h, 3bd or planning",
     "'0h' is geen doeltijd zoals 90m, 2h, 3bd of planning"),
    ("123456789bd", "too_long", "'123456789bd' is longer than any target can be (at most 7 digits)",
     "'123456789bd' is langer dan een doeltijd kan zijn (hoogstens 7 cijfers)"),
])
def test_a_text_that_is_no_target_is_a_code_worded_in_the_readers_language(text, code, english, dutch):
    with pytest.raises(TargetError) as refused:
        Target.parse(text)
    assert refused.value.code == code and str(refused.value) == english
    for language, words in (("en", english), ("nl", dutch)):
        with translation.override(language):
            assert target_error_words(refused.value) == words
