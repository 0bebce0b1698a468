"""Teams of agents, the rules that route new requests to them, and which team a request
is with (issue 19 item 7).

A team's queue in the console is its requests (:class:`TicketTeam`). A rule matches a new
request by the vendor of its catalog, its kind and its organisation (an empty field
matches anything); the first matching rule, by position, routes it. A team with
round-robin on also assigns it to the next member in turn; the team row's
``last_assigned`` is the rotation pointer, locked while it moves
(:mod:`meldpunt.teams.routing`).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from meldpunt.contracts.models import Organisation
from meldpunt.tickets.models import KIND_CHOICES, Ticket


class Team(models.Model):
    name = models.CharField(_("name"), max_length=80, unique=True)
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, through="Membership", related_name="teams",
                                     verbose_name=_("members"))
    round_robin = models.BooleanField(_("round-robin assignment"), default=False, help_text=_(
        "Assign each request routed to this team to the next member in turn."))
    last_assigned = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                      related_name="+", editable=False, verbose_name=_("last assigned"))

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("team"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="team_memberships",
                             verbose_name=_("agent"), limit_choices_to={"is_staff": True})
    in_rotation = models.BooleanField(_("takes round-robin requests"), default=True, help_text=_(
        "Off while the agent is away: they keep the team's queue but get no new requests."))

    class Meta:
        verbose_name = _("team member")
        verbose_name_plural = _("team members")
        constraints = [models.UniqueConstraint(fields=["team", "user"], name="team_member_once")]

    def __str__(self) -> str:
        return f"{self.user} in {self.team}"


class RoutingRule(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="rules", verbose_name=_("team"))
    position = models.PositiveIntegerField(_("position"), default=0, help_text=_("Lower first; the first match wins."))
    vendor = models.CharField(_("vendor"), max_length=40, blank=True, help_text=_(
        "The vendor of the request's catalog (e.g. erpm); empty: any."))
    kind = models.CharField(_("kind"), max_length=20, blank=True, choices=[("", _("Any kind"))] + KIND_CHOICES)
    organisation = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.CASCADE, related_name="+",
                                     verbose_name=_("organisation"), help_text=_("Empty: any."))

    class Meta:
        verbose_name = _("routing rule")
        verbose_name_plural = _("routing rules")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        parts = [self.vendor or "*", self.kind or "*", str(self.organisation) if self.organisation_id else "*"]
        return f"{' / '.join(parts)} → {self.team}"


class TicketTeam(models.Model):
    """The team a request is with (at most one)."""

    ticket = models.OneToOneField(Ticket, on_delete=models.CASCADE, primary_key=True, related_name="team_link",
                                  verbose_name=_("ticket"))
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="ticket_links", verbose_name=_("team"))

    class Meta:
        verbose_name = _("team of a ticket")
        verbose_name_plural = _("teams of tickets")
        indexes = [models.Index(fields=["team", "ticket"], name="ticket_team_queue")]
