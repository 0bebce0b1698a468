"""Catalog rules for requests that need no form: which kind a mail is, how a licence-key
request identifies the customer, and when mail to an employee counts as received (seeds 000/001).

``[forwarded_mail] received``: ``original_date`` (the default: the clocks start at the
customer's mail's date) or ``on_registration``. Seed 001: "Emails for an incident to
mailboxes of individual employees are handled manually but are not recognized as formally
received unless confirmed by a registration mail from the support portal."

``[mail_kinds]``: a kind → words table. A new mail whose subject holds one of a kind's words
(whole words, any case) is registered as that kind instead of an incident; the first kind in
the file that matches wins. Seed 000: "Een nieuwe licentiesleutel kan worden aangevraagd door
een e-mail te sturen naar license@invantive.com." An agent corrects a wrong guess (the
request's correction, docs/triage.md).

``[licence_keys] identify_by``: what a key request may carry to say whose it is:
``agreement_code`` and/or ``company`` (the company name and address). Seed 000: "Vergeet
niet uw overeenkomstcode of bedrijfsnaam en adres te vermelden."; seed 001: "Please remember
to include your agreement code or company data."
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from meldpunt.core.marks import gettext_noop

if TYPE_CHECKING:  # the reader's module imports the catalog, which imports this
    from meldpunt.core.catalog_reading import FieldReader

IDENTIFIERS = ("agreement_code", "company")
#: When mail that reached an employee's own mailbox counts as received (``[forwarded_mail] received``).
FORWARD_RECEIPT = ("original_date", "on_registration")


def kind_of_mail(rules: Mapping[str, Sequence[str]], subject: str, default: str = "incident") -> str:
    """The kind whose word the subject holds, else ``default``."""
    text = subject.casefold()
    for kind, words in rules.items():
        if any(re.search(rf"(?<!\w){re.escape(word.casefold())}(?!\w)", text) for word in words):
            return kind
    return default


def same_company(given: str, registered: str) -> bool:
    """A company name as the customer writes it is the registered one: case, spacing,
    punctuation and a legal form (B.V., BV, N.V., Ltd, GmbH, Inc.) do not count."""
    def plain(name: str) -> str:
        words = re.sub(r"[^\w\s]", " ", name.casefold()).split()
        forms = {"bv", "b", "v", "nv", "n", "ltd", "limited", "gmbh", "inc", "vof", "llc"}
        return " ".join(w for w in words if w not in forms)
    return bool(plain(given)) and plain(given) == plain(registered)


def read_mail_kinds(reader: FieldReader, data: Any, kinds: Sequence[str]) -> dict[str, tuple[str, ...]]:
    rules = {}
    for kind, words in reader.table(data, "mail_kinds").items():
        if kind not in kinds:
            raise reader.fail(f"mail_kinds.{kind}", gettext_noop("is not a request kind of this catalog"))
        found = tuple(w for w in reader.string_list(words, f"mail_kinds.{kind}") if w.strip())
        if not found:
            raise reader.fail(f"mail_kinds.{kind}", gettext_noop("needs at least one word"))
        rules[kind] = found
    return rules


def read_identifiers(reader: FieldReader, data: Any) -> tuple[str, ...]:
    table = reader.table(data, "licence_keys")
    found = tuple(reader.string_list(table.get("identify_by", ["agreement_code"]), "licence_keys.identify_by",
                                     IDENTIFIERS))
    if not found:
        raise reader.fail("licence_keys.identify_by", gettext_noop("must name at least one of %(choices)s"), choices=', '.join(IDENTIFIERS))
    return found


def read_forward_receipt(reader: FieldReader, data: Any) -> str:
    value = str(reader.table(data, "forwarded_mail").get("received", "original_date"))
    if value not in FORWARD_RECEIPT:
        raise reader.fail("forwarded_mail.received", gettext_noop("must be one of %(choices)s"), choices=', '.join(FORWARD_RECEIPT))
    return value
