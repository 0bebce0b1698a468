"""What a customer's reply decides about a sent proposal: only what it says unambiguously.

The proposal mail asks for APPROVE or DECLINE (AKKOORD or AFWIJZEN) on a line of its own.
A reply decides only when such a keyword stands alone on a line (a full stop or an
exclamation mark after it is fine, a question mark is not) in the customer's own text above
any quoted history, and never when it says both. "Approved? What does this cost?" is a
question, and "> APPROVE" is our own mail quoted back: neither decides anything.
"""

from __future__ import annotations

import re

APPROVE = re.compile(r"(approve|approved|akkoord|goedgekeurd|ja,? akkoord)[.!]*", re.IGNORECASE)
DECLINE = re.compile(r"(decline|declined|afwijzen|afgewezen|niet akkoord)[.!]*", re.IGNORECASE)

#: Where the customer's own text ends: quoted lines, a reply header ("On … wrote:",
#: "Op … schreef:"), a forwarded or Outlook original, or a signature.
_HISTORY = re.compile(
    r"^(>|-- ?$|-{3,}\s*(original message|oorspronkelijk bericht|forwarded message|doorgestuurd bericht)"
    r"|_{10,}|(from|van|sent|verzonden):\s)"
    r"|\b(wrote|schreef)\s*:\s*$|^(on|op)\s.*\b(wrote|schreef)\b.*:$",
    re.IGNORECASE,
)


def own_text(body: str) -> list[str]:
    """The lines of a reply above its quoted history, stripped."""
    lines = []
    for line in body.splitlines():
        if _HISTORY.search(line.strip()):
            break
        lines.append(line.strip())
    return lines


def decision_in(body: str) -> bool | None:
    """True (approve), False (decline) or None when the reply decides nothing clearly."""
    lines = own_text(body)
    approve = any(APPROVE.fullmatch(line) for line in lines)
    decline = any(DECLINE.fullmatch(line) for line in lines)
    if approve == decline:  # neither, or both
        return None
    return approve
