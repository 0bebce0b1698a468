"""Incident details read from a labelled form in mail (issue 20 item 2; seeds 000/001: "Reproductiescenario
op een geïsoleerde omgeving, zoals product, versie en opeenvolgende te nemen stappen")."""

from meldpunt.core.catalog_loader import load_preset
from meldpunt.core.completeness import check_completeness
from meldpunt.core.labelled_fields import form_for, read_labelled

OUTLOOK_NL = """Goedemorgen,\r
\r
Sinds vanochtend lukt het verversen van onze Exact Online sheet niet meer. We krijgen een melding in beeld.\r
\r
**Product:** Invantive Cloud\r
**Versie :** 24.0.123\r
Foutcode (indien aanwezig): itgenclr073\r
Stappen:\r
1. Open het werkboek Omzet.xlsx\r
\r
2. Klik op Verversen\r
3. Wacht 10 seconden\r
\r
Met vriendelijke groet,\r
Jan de Vries\r
\r
-- \r
Administratiekantoor Noord | 050-1234567\r
Stappen: dit staat in de handtekening en telt niet\r
"""


def test_a_messy_dutch_outlook_mail_gives_each_detail():
    found = read_labelled(OUTLOOK_NL)
    assert found == {
        "product": "Invantive Cloud",
        "product_version": "24.0.123",
        "error_code": "itgenclr073",
        "reproduction": "1. Open het werkboek Omzet.xlsx\n2. Klik op Verversen\n3. Wacht 10 seconden",
    }


def test_an_english_mail_with_bullets_values_on_the_next_line_and_no_error_code():
    text = ("Hi team,\n\nThe export fails.\n\n- Product: Data Access Point\n- Version:\n\n   22.1.400\n"
            "* Error code: none\n\nSteps to reproduce: log in as admin, open Exports, press Run\n\nThanks, Emma")
    assert read_labelled(text) == {
        "product": "Data Access Point", "product_version": "22.1.400",
        "reproduction": "log in as admin, open Exports, press Run",
    }


def test_quoted_text_and_the_blank_form_of_our_own_mail_are_not_read():
    reply = ("Versie: 24.0.130\nStappen:\n1. Start de app\n2. Kies Import\n\n"
             "On Mon, 7 Dec 2026 at 09:12, Meldpunt <support@example.com> wrote:\n"
             "> Product:\n> Versie:\n> Stappen:\n> 1.\n> 2.\n")
    assert read_labelled(reply) == {"product_version": "24.0.130", "reproduction": "1. Start de app\n2. Kies Import"}
    unquoted_blank_form = "Foutcode:\nProduct:\nVersie:\nStappen:\n1.\n2.\n"
    assert read_labelled(unquoted_blank_form) == {}


def test_a_label_inside_a_sentence_or_an_unknown_label_is_not_a_detail():
    text = "Subject: Re: fout\nWe zien de versie: niet in het menu.\nTijd: 10:00\nHet product werkt niet."
    assert read_labelled(text) == {}


def test_a_complete_report_by_mail_is_complete_under_the_invantive_rules():
    found = read_labelled(OUTLOOK_NL)
    rules = load_preset("invantive").completeness["incident"]
    description = OUTLOOK_NL  # the whole mail is the problem description
    assert check_completeness(rules, {**found, "description": description}).complete


def test_the_form_uses_the_customers_language():
    assert form_for(["product_version", "error_code"], "nl") == "Versie:\nFoutcode:"
    assert form_for(["product_version", "error_code"], "en") == "Version:\nError code:"
