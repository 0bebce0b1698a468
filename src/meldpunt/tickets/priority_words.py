"""The core's priority reasons and errors as people read them (gettext). No models here,
so the ``meldpunt deadline`` command words a refused priority with it too;
:mod:`meldpunt.tickets.wording` fills in the request kind's name."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

#: The core's priority reasons (meldpunt.core.priority.REASONS) as people read them.
PRIORITY_REASONS = {
    "fixed": gettext_lazy("%(kind)s is always priority %(level)s (catalog)"),
    "explicit": gettext_lazy("priority %(level)s chosen explicitly"),
    "matrix": gettext_lazy("impact %(impact)s × urgency %(urgency)s → %(level)s (matrix)"),
    "default": gettext_lazy("default priority %(level)s (catalog)"),
    "provisional": gettext_lazy("provisional priority %(level)s (catalog), to be assessed"),
    "unassessed": gettext_lazy("to be assessed"),
    "category_noted": gettext_lazy("category %(level)s on the customer's request (%(motivation)s); %(note)s"),
    "category": gettext_lazy("category %(level)s on the customer's request (%(motivation)s)"),
}

#: The core's priority errors (meldpunt.core.priority.ERRORS) as people read them.
PRIORITY_ERRORS = {
    "level": gettext_lazy("priority %(value)r is not one of %(allowed)s"),
    "impact": gettext_lazy("impact %(value)r is not one of %(allowed)s"),
    "urgency": gettext_lazy("urgency %(value)r is not one of %(allowed)s"),
    "needs_matrix": gettext_lazy("a %(kind)s needs impact and urgency (or an explicit priority) under this catalog"),
}


#: Impact and urgency of the matrix scheme (seed 004) in a sentence.
IMPACT_WORDS = {"one": gettext_lazy("one user"), "multiple": gettext_lazy("multiple users"),
                "organisation": gettext_lazy("the whole organisation")}
URGENCY_WORDS = {"low": gettext_lazy("low"), "medium": gettext_lazy("medium"), "high": gettext_lazy("high")}
