"""What happened to tickets, for other apps to act on (mail out, notifications).

Optional hooks only: what every registration needs (triage's assessment, the
confirmation) is called in order by its follow-up (:mod:`meldpunt.tickets.registration`),
not by a listener.

Sent inside the transaction of the change, so a listener writes its own rows (an outbox
mail) atomically with it and defers side effects (sending) with ``transaction.on_commit``.
The tickets app never imports the apps that listen.
"""

from django.dispatch import Signal

#: kwargs: ticket
ticket_created = Signal()
#: kwargs: ticket, message, contact (the customer contact who wrote it, if known; else None)
message_added = Signal()
#: kwargs: ticket, old, new
status_changed = Signal()
#: kwargs: ticket, old (user id or None), new (user id or None), actor (who assigned; None: the system)
ticket_assigned = Signal()
#: kwargs: ticket, message, reopened (True: a resolved request reopened; False: a new request
#: ``ticket`` follows up the old one, ``previous``), previous. Sent after the customer's reply
#: is written (``tickets.replies.customer_reply``).
customer_replied = Signal()
#: kwargs: vendor, calendar, report (a ``tickets.recompute.RecomputeReport``). Sent after a
#: calendar change moved running clocks in bulk (``tickets.calendars``), once they are stored.
clocks_moved = Signal()
