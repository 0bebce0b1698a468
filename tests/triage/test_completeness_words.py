"""Issue 21: what a completeness check finds missing, and the message that sends an incomplete
request back (seed 002), are worded by the triage app through gettext in the customer's
language; the labelled form in it is what intake reads back (issue 20 item 2)."""

from meldpunt.core.catalog_loader import load_preset
from meldpunt.core.completeness import Completeness, Missing, Requirement
from meldpunt.core.labelled_fields import read_labelled
from meldpunt.triage.completeness_words import (
    field_names,
    information_request,
    missing_words,
    stored_missing,
    worded_completeness,
)

COMPLETE = {"description": "Refreshing the Exact Online sheet stops with an error",
            "error_code": "itgenclr073", "product": "Invantive Cloud", "product_version": "24.0.123",
            "reproduction": "1. Open sheet 2. Refresh"}

DUTCH_42 = """Om verzoek 42 in behandeling te kunnen nemen hebben wij nog het volgende van u nodig:

- De versie van het product
- Een reproductiescenario op een geïsoleerde omgeving, beperkt tot de minimale stappen die het foute gedrag tonen

Antwoord op dit bericht en vul deze regels in (boven uw antwoord, niet in de geciteerde tekst); de stappen mogen over meerdere regels lopen:

Versie:
Stappen:
1.
2.

U kunt ook antwoorden op de pagina van het verzoek in het klantportaal. De oplostijd staat stil tot wij uw antwoord hebben."""

ENGLISH = """Before we can work on your request we need the following from you:

- The version of the product
- A reproduction scenario on an isolated environment, reduced to the minimum steps that show the wrong behaviour

Answer this message and fill in these lines (above your answer, not in the quoted text); the steps may take several lines:

Version:
Steps:
1.
2.

You may also answer on the request's page in the customer portal. The resolution time stands still until we have your answer."""


def _incomplete(language: str) -> Completeness:
    rules = load_preset("invantive").completeness["incident"]
    return worded_completeness(rules, {**COMPLETE, "product_version": "", "reproduction": " "}, language)


def test_the_dutch_information_request_names_the_request_what_is_missing_and_the_form():
    assert information_request(_incomplete("nl"), "nl", 42) == DUTCH_42


def test_the_english_information_request_without_a_number():
    assert information_request(_incomplete("en"), "en") == ENGLISH
    assert information_request(_incomplete("en"), "en", 7).startswith(
        "Before we can work on request 7 we need the following from you:\n\n- The version of the product\n")
    assert information_request(_incomplete("nl"), "nl").startswith(
        "Om uw verzoek in behandeling te kunnen nemen hebben wij nog het volgende van u nodig:\n")


def test_without_a_field_to_fill_in_the_request_only_asks_for_an_answer():
    rules = [Requirement("subject", ask={"en": "A subject", "nl": "Een onderwerp"})]
    nl = information_request(worded_completeness(rules, {}, "nl"), "nl", 5)
    assert nl.splitlines()[2:] == ["- Een onderwerp", "",
                                   "Antwoord op dit bericht; de oplostijd staat stil tot wij uw antwoord hebben."]
    en = information_request(worded_completeness(rules, {}, "en"), "en", 5)
    assert en.splitlines()[2:] == ["- A subject", "", "Please answer this message; the resolution time stands still "
                                   "until we have your answer."]


def test_a_field_the_catalog_gives_no_ask_for_is_named_in_the_customers_language():
    rules = [Requirement("product_version", ask={}), Requirement("description", ask={}, min_length=20)]
    nl = worded_completeness(rules, {"description": "kapot"}, "nl")
    assert [(m.field, m.problem, m.text) for m in nl.missing] == [
        ("product_version", "missing", "versie"), ("description", "too_short", "probleemomschrijving")]
    assert [m.text for m in worded_completeness(rules, {}, "en").missing] == ["version", "problem description"]
    assert field_names("nl")["error_code"] == "foutcode" and field_names("en")["error_code"] == "error code"
    assert "- versie\n- probleemomschrijving\n" in information_request(nl, "nl", 3)


def test_the_completeness_request_names_what_is_missing_and_gives_the_form_to_fill_in():
    rules = load_preset("erpm").completeness["incident"]
    result = worded_completeness(rules, {"description": "Factuur boeken lukt niet", "product": "Boekhouding"}, "nl")
    text = information_request(result, "nl", 7)
    assert "- De versie\n- De stappen die het probleem laten zien" in text
    assert "Versie:\nStappen:\n1.\n2." in text
    assert "Product:" not in text  # given already: only what is missing is asked
    english = information_request(worded_completeness(rules, {"description": "Invoice posting fails"}, "en"), "en")
    assert "Product:\nVersion:\nSteps:\n1.\n2." in english
    # What we ask for is what we read: the customer fills in the form we sent.
    filled = english.replace("Product:", "Product: Sales").replace("Version:", "Version: 17.0").replace(
        "Steps:\n1.\n2.", "Steps:\n1. Open an invoice\n2. Press Post")
    assert read_labelled(filled) == {"product": "Sales", "product_version": "17.0",
                                     "reproduction": "1. Open an invoice\n2. Press Post"}


def test_a_stored_missing_field_reads_in_another_language():
    """The assessment words what is missing in the customer's language; an agent reads the
    same field in theirs (issue 21), the stored text when the catalog dropped the rule."""
    rules = load_preset("invantive").completeness["licence_key"]
    version = next(m for m in worded_completeness(rules, {}, "en").missing if m.field == "product_version")
    assert version.text == "The version you need a licence key for"
    assert missing_words(rules, version.field, version.problem, "nl") == "De versie waarvoor u een licentiesleutel nodig hebt"
    assert missing_words(rules, "no_such_field", "missing", "nl") is None
    stored = [version.as_dict(), {"field": "subject", "problem": "missing", "text": "Het onderwerp"}]
    assert stored_missing(rules, stored, "nl") == (
        Missing("product_version", "missing", "De versie waarvoor u een licentiesleutel nodig hebt"),
        Missing("subject", "missing", "Het onderwerp"))
