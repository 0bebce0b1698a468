"""Tickets, their thread, the append-only event log and SLA clock rows (SPEC.md §2, §4).

Clock due moments are stored in indexed columns so the database finds what is due or
breached; a clock keeps its pauses as data, so recomputing it is cheap (STYLE.md).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils.translation import gettext_lazy as _

from meldpunt.contracts.models import LANGUAGE_CHOICES, Agreement, Contact, Organisation
from meldpunt.core.channels import CHANNELS
from meldpunt.core.vocabulary import KINDS

#: The request kinds of the shared vocabulary, its marked English labels read through gettext
#: (one table of kind names: ``contracts.vocabulary_words.kind_label`` reads the same).
KIND_CHOICES = [(kind, _(english)) for kind, english in KINDS.items()]

STATUS_CHOICES = [
    ("new", _("New")),
    ("approved", _("Approved")),
    ("in_progress", _("In progress")),
    ("waiting_customer", _("Waiting on customer")),
    ("resolved", _("Resolved")),
    ("closed", _("Closed")),
]
OPEN_STATUSES = ("new", "approved", "in_progress", "waiting_customer")
OPEN_Q = models.Q(status__in=OPEN_STATUSES)
#: ``Ticket.priority_rank`` of a ticket whose priority is not assessed (sorts last).
UNRANKED = 9

#: Seed 002 triage: where the on-duty support manager's decision stands.
TRIAGE_CHOICES = [
    ("", _("Not triaged yet")),
    ("incomplete", _("Sent back for information")),
    ("accepted", _("Accepted under the contract")),
    ("advisory", _("Advisory request with a proposal")),
]

#: How people read each channel a request comes in by (``core.channels.CHANNELS``): the one
#: table of channel names for every page, mail and error ("Registered via Email").
CHANNEL_LABELS = {
    "email": _("Email"),
    "portal": _("Portal"),
    "phone": _("Phone"),
    "chat": _("Chat"),
    "api": _("API"),
    "monitoring": _("Monitoring"),
    "emergency": _("Emergency line"),
}
CHANNEL_CHOICES = [(channel, CHANNEL_LABELS[channel]) for channel in CHANNELS]


def channel_label(channel: str) -> str:
    """A channel as people read it in the active language; an unknown code as it is."""
    return str(CHANNEL_LABELS.get(channel, channel))


class Ticket(models.Model):
    # Null while an unknown sender's mail waits in triage for an agent to place it.
    # No index of its own on organisation or status: ticket_org_status and the partial queue
    # indexes lead with them, and every index more slows the bulk writes (recompute).
    organisation = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="tickets", verbose_name=_("organisation"), db_index=False)
    agreement = models.ForeignKey(Agreement, null=True, blank=True, on_delete=models.PROTECT, related_name="tickets", verbose_name=_("agreement"))
    contact = models.ForeignKey(Contact, null=True, blank=True, on_delete=models.SET_NULL, related_name="tickets", verbose_name=_("reporter"))
    reporter_email = models.EmailField(_("reporter e-mail"), blank=True, help_text=_("Where confirmations go when the reporter is not a known contact."))
    reporter_name = models.CharField(_("reporter name"), max_length=200, blank=True, help_text=_("The sender's name from the mail, when the reporter is not a known contact."))
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="assigned_tickets", verbose_name=_("assignee"))
    kind = models.CharField(_("kind"), max_length=20, choices=KIND_CHOICES, default="incident")
    status = models.CharField(_("status"), max_length=20, choices=STATUS_CHOICES, default="new")
    priority = models.CharField(_("priority"), max_length=20, blank=True)
    priority_reason = models.CharField(_("priority reason"), max_length=300, blank=True)
    # The catalog's provisional level, set at intake when the request lacked what the scheme
    # needs (impact × urgency): it runs a clock from receipt until the desk assesses it.
    priority_provisional = models.BooleanField(_("to be assessed"), default=False, help_text=_(
        "The priority is the catalog's provisional level until an agent assesses the request."))
    impact = models.CharField(_("impact"), max_length=20, blank=True)
    urgency = models.CharField(_("urgency"), max_length=20, blank=True)
    subject = models.CharField(_("subject"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    # What an incident report needs to be complete (seeds 000/001): product, version,
    # error code (Invantive: itgen…) and a minimal reproduction.
    product = models.CharField(_("product"), max_length=120, blank=True)
    product_version = models.CharField(_("version"), max_length=60, blank=True)
    error_code = models.CharField(_("error code"), max_length=120, blank=True)
    reproduction = models.TextField(_("reproduction steps"), blank=True)
    channel = models.CharField(_("channel"), max_length=20, choices=CHANNEL_CHOICES, default="portal")
    language = models.CharField(_("language"), max_length=2, choices=LANGUAGE_CHOICES, default="nl")
    received_at = models.DateTimeField(_("received at"))
    triage_state = models.CharField(_("triage"), max_length=20, choices=TRIAGE_CHOICES, blank=True, default="")
    planned_at = models.DateTimeField(_("planned resolution"), null=True, blank=True, help_text=_("For 'by planning' targets: the agreed date."))
    idempotency_key = models.CharField(_("idempotency key"), max_length=200, null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1, help_text=_("Raised on every change; a stale save is refused."))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # Denormalised for the console queues, which must sort a million open tickets on one
    # indexed table: the earliest due moment of the running clocks (None: no running
    # deadline), kept by tickets.clocks and the bulk recompute; and the priority's place in
    # its catalog's scheme (0 = most urgent, UNRANKED = not assessed), kept by the services.
    next_due_at = models.DateTimeField(_("next deadline"), null=True, blank=True, editable=False)
    priority_rank = models.PositiveSmallIntegerField(_("priority rank"), default=UNRANKED, editable=False)
    # ``next_due_at`` is an indicative time (``[targets] indicative``: no hard clock runs):
    # sorted on, but never in the *breached* or *soon* queues.
    next_due_indicative = models.BooleanField(_("next deadline is indicative"), default=False, editable=False)
    # The agreement's package's ``queue_rank`` (catalog data; Infor Premium: prioritised by
    # support package): within one priority the queues put a higher rank first. Kept at
    # registration, on corrections and when the agreement's package changes (tickets.ranks).
    package_rank = models.PositiveSmallIntegerField(_("package rank"), default=0, editable=False)

    class Meta:
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "idempotency_key"], name="ticket_registered_once"),
        ]
        indexes = [
            models.Index(fields=["organisation", "status", "-id"], name="ticket_org_status"),
            # The queues (web.queries): partial on open tickets, keyset on (…, next_due_at, id).
            models.Index(fields=["next_due_at", "id"], name="ticket_open_due", condition=OPEN_Q),
            models.Index(fields=["assignee", "next_due_at", "id"], name="ticket_open_assignee_due", condition=OPEN_Q),
            models.Index(fields=["organisation", "next_due_at", "id"], name="ticket_open_org_due", condition=OPEN_Q),
            models.Index(fields=["priority_rank", "package_rank", "next_due_at", "id"], name="ticket_open_rank_pkg_due",
                         condition=OPEN_Q),
            models.Index(fields=["kind", "next_due_at", "id"], name="ticket_open_kind_due", condition=OPEN_Q),
            models.Index(fields=["priority", "next_due_at", "id"], name="ticket_open_priority_due", condition=OPEN_Q),
        ]

    def __str__(self) -> str:
        return f"#{self.number} {self.subject}"

    @property
    def number(self) -> int:
        return self.pk


class Message(models.Model):
    """One entry in a ticket's thread: a public reply or an internal note."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="messages", verbose_name=_("ticket"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("author"))
    from_customer = models.BooleanField(_("from customer"), default=False)
    public = models.BooleanField(_("public"), default=True)
    channel = models.CharField(_("channel"), max_length=20, choices=CHANNEL_CHOICES, default="portal")
    body = models.TextField(_("body"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["created_at", "id"]


class SearchDocument(models.Model):
    """What full-text search reads for one ticket (:mod:`meldpunt.tickets.search`), kept by
    the ticket services (:mod:`meldpunt.tickets.search_index`).

    Four texts, ranked in this order: the number; the head (subject, error code, product
    and version, organisation, reporter); the public thread (description, reproduction,
    public messages); internal notes, which only vendor staff search. PostgreSQL keeps
    ``vector`` (weights A, B, D and C, Dutch and English stems) under a GIN index; SQLite
    keeps an FTS5 table over these columns by triggers, and ``vector`` stays empty.
    """

    ticket = models.OneToOneField(Ticket, primary_key=True, on_delete=models.CASCADE, related_name="search_document", verbose_name=_("ticket"))
    number = models.CharField(_("number"), max_length=40)
    head = models.TextField(_("head"), blank=True)
    body = models.TextField(_("public text"), blank=True)
    notes = models.TextField(_("internal notes"), blank=True)
    vector = SearchVectorField(null=True, editable=False)

    class Meta:
        verbose_name = _("search document")
        verbose_name_plural = _("search documents")


class AppendOnlyError(Exception):
    pass


class TicketEvent(models.Model):
    """What happened to a ticket, who did it and when. Rows are never changed or deleted."""

    ticket = models.ForeignKey(Ticket, on_delete=models.PROTECT, related_name="events", verbose_name=_("ticket"))
    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("actor"))
    kind = models.CharField(_("kind"), max_length=40)
    data = models.JSONField(_("data"), default=dict)

    class Meta:
        verbose_name = _("ticket event")
        verbose_name_plural = _("ticket events")
        ordering = ["at", "id"]

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError("ticket events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("ticket events are append-only")


CLOCK_STATES = [
    ("running", _("Running")),
    ("paused", _("Paused")),
    ("stopped", _("Stopped")),
    ("planning", _("By planning")),
    ("none", _("No target")),
]


class Clock(models.Model):
    """A response or resolution clock of a ticket, with its pauses and explanation."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="clocks", verbose_name=_("ticket"))
    metric = models.CharField(_("metric"), max_length=20, choices=[("response", _("Response")), ("resolution", _("Resolution"))])
    state = models.CharField(_("state"), max_length=20, choices=CLOCK_STATES, default="running")
    calendar = models.CharField(_("calendar"), max_length=60, blank=True)
    target = models.CharField(_("target"), max_length=20, blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    due_at = models.DateTimeField(_("due at"), null=True, blank=True)
    stopped_at = models.DateTimeField(_("stopped at"), null=True, blank=True)
    pauses = models.JSONField(_("pauses"), default=list, blank=True, help_text=_('[["from ISO", "to ISO or null", "reason"], ...]'))
    explanation = models.JSONField(_("explanation"), default=list, blank=True)
    # The catalog calls this metric's targets indicative (``[targets] indicative``; seed 004:
    # "alle oplostijden zijn indicatief"): the due moment is shown, labelled indicative, but
    # the clock never breaches: no escalation, not in breach counts, not the queue deadline.
    indicative = models.BooleanField(_("indicative"), default=False)

    class Meta:
        verbose_name = _("SLA clock")
        verbose_name_plural = _("SLA clocks")
        constraints = [models.UniqueConstraint(fields=["ticket", "metric"], name="one_clock_per_metric")]
        indexes = [models.Index(fields=["state", "due_at"], name="clock_state_due")]

    def __str__(self) -> str:
        return f"{self.metric} {self.target} due {self.due_at}"

    @property
    def met(self) -> bool | None:
        """True/False once stopped with a due moment; None while running or without target.
        An indicative clock is within or past its indicative time, never met or missed: None."""
        if self.stopped_at is None or self.due_at is None or self.indicative:
            return None
        return self.stopped_at <= self.due_at

    @property
    def within_indicative(self) -> bool | None:
        """For an indicative clock that stopped: whether it stopped within the indicative time."""
        if not self.indicative or self.stopped_at is None or self.due_at is None:
            return None
        return self.stopped_at <= self.due_at


class FollowUp(models.Model):
    """A registered request whose follow-up the worker has not done yet (triage's assessment,
    then the confirmation; :mod:`meldpunt.tickets.registration`). Written in the
    registration's transaction; the follow-up takes whatever is pending in one go and
    deletes the rows it did, so a rerun finds nothing left to do."""

    ticket = models.OneToOneField(Ticket, on_delete=models.CASCADE, primary_key=True, related_name="+",
                                  verbose_name=_("ticket"))

    class Meta:
        verbose_name = _("pending follow-up")
        verbose_name_plural = _("pending follow-ups")
