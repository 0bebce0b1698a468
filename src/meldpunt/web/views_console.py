"""The agent console: queues and the ticket page. Reads through :mod:`meldpunt.web.queries`,
writes through ``tickets.services`` (and :mod:`meldpunt.web.actions` for the hand-over)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from meldpunt.accounts.access import language, staff_required
from meldpunt.contracts.catalogs import stored_catalogs
from meldpunt.desk.corrections import correct as correct_request
from meldpunt.desk.forms import CorrectionForm, QueueFilterForm
from meldpunt.desk.panels import macro_reply_form, queue_context, ticket_context
from meldpunt.desk.selectors import staff_ticket
from meldpunt.intake import followers
from meldpunt.intake.reasons import event_text as intake_event_text
from meldpunt.intake.services import keep_uploads
from meldpunt.localformat import short
from meldpunt.organise.selectors import tags_by_ticket
from meldpunt.organise.wording import event_text as organise_event_text
from meldpunt.teams.wording import event_text as team_event_text
from meldpunt.tickets.models import KIND_CHOICES, STATUS_CHOICES, Clock, Ticket, channel_label
from meldpunt.tickets.search import highlight, parse, snippets
from meldpunt.tickets.services import (
    ConflictError,
    TicketError,
    add_message,
    assign_ticket,
    change_status,
    plan_resolution,
    set_priority,
)
from meldpunt.tickets.wording import impact_urgency_words, priority_line, priority_reason_words
from meldpunt.triage.forms import PlanForm
from meldpunt.web.forms import AssignForm, ConsoleReplyForm, FollowerForm, PriorityForm, StatusForm
from meldpunt.web.queries import (
    CursorError,
    QueueQuery,
    agreement_summary,
    deadline_panel,
    priority_labels,
    queue_page,
    thread,
    ticket_events,
)
from meldpunt.web.queue_rows import rows_html
from meldpunt.web.uploads import limit_attachments

QUEUE_LABELS = {
    "mine": gettext_lazy("My tickets"), "all": gettext_lazy("All open"), "triage": gettext_lazy("Triage"),
    "waiting": gettext_lazy("Waiting on customer"), "soon": gettext_lazy("Breaching soon"),
    "breached": gettext_lazy("Breached"), "team": gettext_lazy("My teams"),
}


#: How the timeline names the fields of a ``corrected`` event.
CORRECTED = {
    "kind": gettext_lazy("kind"), "product": gettext_lazy("product"), "product_version": gettext_lazy("version"),
    "error_code": gettext_lazy("error code"), "reproduction": gettext_lazy("reproduction steps"),
    "organisation": gettext_lazy("organisation"), "agreement": gettext_lazy("agreement"),
    "contact": gettext_lazy("reporter"),
}


@staff_required
def queue(request):
    catalogs = stored_catalogs()  # read once for the filter, the rows and the priority sort
    priorities = priority_labels(catalogs, translation.get_language() or "en")
    form = QueueFilterForm(request.GET or None, priorities=priorities.items())
    form.is_valid()  # a bad filter value is dropped, the rest still applies
    data = getattr(form, "cleaned_data", {})
    q = QueueQuery(
        queue=data.get("queue") or "all", sort=data.get("sort") or "deadline",
        status=data.get("status") or "", kind=data.get("kind") or "", priority=data.get("priority") or "",
        organisation=data["organisation"].pk if data.get("organisation") else None,
        cursor=data.get("cursor") or "", q=(data.get("q") or "").strip(),
        tag=data.get("tag") or "", team=data["team"].pk if data.get("team") else None,
    )
    try:
        if "cursor" in form.errors:  # longer than any cursor the desk makes
            raise CursorError
        page, error = queue_page(request.user, q, catalogs=catalogs), ""
    except CursorError as exc:
        q = replace(q, cursor="")
        page, error = queue_page(request.user, q, catalogs=catalogs), str(exc)
    labels = _labels(priorities)
    labels["url"] = reverse("console:ticket", args=[0]).rsplit("0", 1)  # one reverse per page, not per row
    rows = [_cells(row, labels) for row in page.rows]
    tags = tags_by_ticket([cells["pk"] for cells in rows])  # issue 19: tags under the subject
    for cells in rows:
        cells["tags"] = tags.get(cells["pk"], [])
    if q.q:  # the matches marked in the subject and an excerpt of where else they occur
        query, found = parse(q.q), snippets([row.ticket.pk for row in page.rows], q.q, internal=True)
        for cells in rows:
            cells["subject"], cells["snippet"] = highlight(cells["subject"], query), found.get(cells["pk"], "")
    params = request.GET.copy()
    params.pop("cursor", None)
    params.pop("queue", None)
    base = params.urlencode()
    tabs = [{"id": key, "label": str(text), "active": key == q.queue,
             "url": f"?queue={key}" + (f"&{base}" if base else "")} for key, text in QUEUE_LABELS.items()]
    next_url = ""
    if page.next_cursor:
        more = request.GET.copy()
        more["cursor"] = page.next_cursor
        next_url = f"?{more.urlencode()}"
    title = str(QUEUE_LABELS[q.queue])
    if q.q:
        title = _("Search in %(queue)s") % {"queue": title}
    context = {"form": form, "rows": rows, "rows_html": rows_html(rows), "q": q, "tabs": tabs, "queue_count": len(tabs), "next_url": next_url, "error": error,
               "title": title, "refresh_url": request.get_full_path()}
    status = 400 if error else 200
    if request.htmx:
        return render(request, "web/console/_queue_rows.html", context, status=status)
    context.update(queue_context(request))  # saved views (meldpunt.desk)
    return render(request, "web/console/queue.html", context, status=status)


def _labels(priorities: dict[str, str]) -> dict:
    """The words of a page's rows, translated once per page: Django's ``get_FOO_display``
    translates every choice of the field again on each call."""
    metrics = Clock._meta.get_field("metric").choices
    return {"priority": priorities, "kind": {k: str(v) for k, v in KIND_CHOICES},
            "status": {k: str(v) for k, v in STATUS_CHOICES}, "metric": {k: str(v) for k, v in metrics}}


def _cells(row, labels: dict) -> dict:
    """A queue row as plain strings: a 50-row page renders in a few milliseconds this way,
    where attribute and filter lookups in the template took most of the page's time."""
    ticket, clock = row.ticket, row.next_clock
    due = timezone.localtime(clock.due_at) if clock else None
    metric = labels["metric"].get(clock.metric, clock.metric) if clock else ""
    return {
        "pk": ticket.pk, "url": f"{ticket.pk}".join(labels["url"]), "subject": ticket.subject,
        "kind": labels["kind"].get(ticket.kind, ticket.kind), "status": labels["status"].get(ticket.status, ticket.status),
        "priority": labels["priority"].get(ticket.priority, ticket.priority) or "–",
        "state": "is-breached" if row.breached else "is-soon" if row.soon else "",
        "badge": "breached" if row.breached else "paused" if row.soon else "",
        "metric": (indicative_label(clock, metric) if clock.indicative else metric) if clock else "",
        "paused": row.paused,
        "due_iso": due.isoformat() if due else "", "due": _due_words(due, labels) if due else "",
        "organisation": ticket.organisation.name if ticket.organisation_id else "",
        "assignee": ticket.assignee.get_username() if ticket.assignee_id else "–",
    }


def _due_words(due: datetime, labels: dict) -> str:
    """``ma 7 dec 14:30``: the day's words once per page and day (most rows share a few days)."""
    days = labels.setdefault("days", {})
    day = days.get(due.date())
    if day is None:
        day = days[due.date()] = short(due, "D j M")
    return f"{day} {due:%H:%M}"


def indicative_label(clock, metric: str = "") -> str:
    """A queue row's deadline label for an indicative clock: "Resolution (indicative)"."""
    return _("%(metric)s (indicative)") % {"metric": metric or clock.get_metric_display()}


def _ticket(request, pk: int) -> Ticket:
    return staff_ticket(request.user, pk)


def _event_text(event, users: dict, statuses: dict) -> str | None:
    data = event.data or {}
    if event.kind == "status":
        return _("Status: %(old)s → %(new)s") % {"old": statuses.get(data.get("old"), data.get("old")),
                                                  "new": statuses.get(data.get("new"), data.get("new"))}
    if event.kind == "priority":
        return _("Priority: %(old)s → %(new)s (%(reason)s)") % {
            "old": data.get("old") or "–", "new": data.get("new"), "reason": priority_reason_words(data.get("reason", ""))}
    if event.kind == "assigned":
        who = users.get(data.get("new"))
        return _("Assigned to %(name)s") % {"name": who} if who else _("Unassigned")
    if event.kind == "corrected":
        found = data.get("changes") or {}  # PostgreSQL's jsonb keeps no key order: show them in ours
        changes = "; ".join(f"{label}: {_short(found[name][0])} → {_short(found[name][1])}"
                            for name, label in CORRECTED.items() if name in found)
        # a person's reason as written; the customer's answer (older rows: in English) worded now
        answer = data.get("source") == "customer_answer" or data.get("reason") == "the customer's answer"
        reason = _("the customer's answer") if answer else data.get("reason")
        why = f" ({reason})" if reason else ""
        return _("Corrected: %(changes)s") % {"changes": changes} + why
    if event.kind == "planned":
        planned = data.get("planned")
        when = short(datetime.fromisoformat(planned), "j M Y H:i") if planned else "–"
        return _("Planned resolution: %(when)s") % {"when": when}
    if event.kind == "created":
        channel = data.get("channel", "")
        return _("Registered via %(channel)s") % {"channel": channel_label(channel)}
    if event.kind == "follower_added":
        return _("%(email)s follows the request") % {"email": data.get("email", "")}
    if event.kind == "follower_removed":
        return _("%(email)s no longer follows the request") % {"email": data.get("email", "")}
    if event.kind == "cc_not_followed":  # intake.followers: not a contact of the organisation
        return _("Cc not added as followers (no contacts of the organisation): %(emails)s") % {
            "emails": ", ".join(data.get("addresses") or [])}
    if event.kind == "reopened":
        return _("Reopened by the customer's reply via %(channel)s") % {"channel": channel_label(data.get("channel", ""))}
    if event.kind == "auto_closed":  # tickets.autoclose
        return _("Closed automatically, %(days)s days after it was resolved") % {"days": data.get("days", "")}
    if event.kind == "follow_up_of":
        return _("Follows up request #%(number)s") % {"number": data.get("ticket")}
    if event.kind == "followed_up_by":
        return _("The customer's reply started request #%(number)s, which follows this one up") % {
            "number": data.get("ticket")}
    if event.kind == "proposal" and data.get("state") in ("approved", "declined"):
        text = _("Proposal approved") if data["state"] == "approved" else _("Proposal declined")
        return _("%(decision)s by %(who)s via %(channel)s") % {
            "decision": text, "who": data.get("by") or (event.actor.get_username() if event.actor_id else "–"),
            "channel": channel_label(data.get("channel", ""))}
    if event.kind == "proposal_reply_ignored":
        return _("A reply via %(channel)s from %(who)s says %(decision)s, but they may not decide on this "
                 "request: the proposal was not decided") % {
            "channel": channel_label(data.get("channel", "")), "who": data.get("by", ""), "decision": data.get("decision", "").upper()}
    # issue 19: tags, links, merges, teams; issue 21: a withheld confirmation
    return organise_event_text(event) or team_event_text(event) or intake_event_text(event)


def _short(value) -> str:
    text = str(value or "–")
    return text if len(text) <= 60 else text[:59] + "…"


def _timeline(request, ticket: Ticket) -> list[dict]:
    statuses = {k: str(v) for k, v in STATUS_CHOICES}
    events = list(ticket_events(ticket))
    ids = {e.data.get("new") for e in events if e.kind == "assigned" and e.data.get("new")}
    users = {u.pk: u.get_username() for u in get_user_model().objects.filter(pk__in=ids)}
    items = [{"at": m.created_at, "message": m} for m in thread(request.user, ticket)]
    for event in events:
        text = _event_text(event, users, statuses)
        if text:
            items.append({"at": event.at, "event": text, "actor": event.actor})
    return sorted(items, key=lambda i: i["at"])


def _render_ticket(request, ticket: Ticket, *, status: int = 200, error: str = "", **forms):
    lang = language()
    scheme = ticket.agreement.catalog.parsed().priority if ticket.agreement_id else None
    initial = {"version": ticket.version}
    context = {
        "ticket": ticket,
        "clocks": deadline_panel(ticket, lang),
        "timeline": _timeline(request, ticket),
        "summary": agreement_summary(ticket.agreement, lang) if ticket.agreement_id else None,
        "priority_caption": priority_line(ticket, lang, short=True),  # shown when it has a priority
        "priority_reason": priority_reason_words(ticket.priority_reason),
        "impact_urgency": impact_urgency_words(ticket.impact, ticket.urgency) if ticket.impact else "",
        "error": error,
        "reply_form": forms.get("reply_form") or ConsoleReplyForm(initial=initial, ticket=ticket),
        "followers": followers.listed(ticket),
        "follower_form": FollowerForm(candidates=followers.candidates(ticket), agent=True, auto_id="follower_%s"),
        "status_form": forms.get("status_form") or StatusForm(initial={**initial, "status": ticket.status}),
        "priority_form": forms.get("priority_form") or PriorityForm(
            # a provisional level is not a choice: preselected, it would beat impact × urgency
            initial={**initial, "priority": "" if ticket.priority_provisional else ticket.priority,
                     "impact": ticket.impact, "urgency": ticket.urgency},
            scheme=scheme),
        "assign_form": forms.get("assign_form") or AssignForm(initial={**initial, "assignee": ticket.assignee_id}),
        "correction_form": forms.get("correction_form") or CorrectionForm.for_ticket(ticket),
        "plan_form": forms.get("plan_form") or PlanForm(initial={**initial, "planned_at": ticket.planned_at}),
        **ticket_context(request, ticket),  # macros, knowledge, timer (meldpunt.desk)
    }
    context["plannable"] = any(c["clock"].metric == "resolution" and c["clock"].target == "planning"
                               for c in context["clocks"])
    context["queue_count"] = len(QUEUE_LABELS)  # the shortcuts dialog: 1–n switch queue
    return render(request, "web/console/ticket.html", context, status=status)


@staff_required
def ticket(request, pk: int):
    found = _ticket(request, pk)
    # ?macro=<id>: the reply box with a reply template filled in (the picker without JavaScript)
    return _render_ticket(request, found, reply_form=macro_reply_form(request, found, request.GET.get("macro", "")))


def _conflict(request, pk: int, form_class, name: str, **kwargs):
    """Re-show the page with the other person's change and the user's input kept; the form
    now carries the current version, so saving again is a deliberate second decision."""
    fresh = _ticket(request, pk)
    data = request.POST.copy()
    data["version"] = str(fresh.version)
    error = _("Someone else changed this request while you had it open. Nothing of yours was saved: "
              "check their change below, then save again if you still want to.")
    return _render_ticket(request, fresh, status=409, error=error, **{name: form_class(data, **kwargs)})


def _act(request, pk: int, form_class, name: str, action, success: str, **kwargs):
    ticket = _ticket(request, pk)
    form = form_class(request.POST, **kwargs)
    if not form.is_valid():
        return _render_ticket(request, ticket, status=400, error=_("Please correct the marked fields."),
                              **{name: form})
    try:
        action(ticket, form.cleaned_data)
    except ConflictError:
        return _conflict(request, pk, form_class, name, **kwargs)
    except TicketError as exc:
        return _render_ticket(request, ticket, status=400, error=str(exc), **{name: form})
    messages.success(request, success)
    return redirect(reverse("console:ticket", args=[pk]))


@csrf_exempt
def reply(request, pk: int):
    """The upload handler goes in before anything reads the body (as the portal's form)."""
    limit_attachments(request)
    return _reply(request, pk)


@require_POST
@staff_required
@csrf_protect
def _reply(request, pk: int):
    def action(ticket, data):
        with transaction.atomic():
            message = add_message(ticket, data["body"], author=request.user, public=data["visibility"] == "public",
                                  channel="portal")
            keep_uploads(message, data["attachments"])  # a public reply's mail carries them (intake.outbox)
            if data["then_status"]:
                change_status(ticket, data["then_status"], actor=request.user, expected_version=data["version"])

    return _act(request, pk, ConsoleReplyForm, "reply_form", action, _("Your message was added."),
                files=request.FILES, ticket=_ticket(request, pk), refused_uploads=request.refused_uploads)


@require_POST
@staff_required
def status(request, pk: int):
    def action(ticket, data):
        change_status(ticket, data["status"], actor=request.user, expected_version=data["version"])

    return _act(request, pk, StatusForm, "status_form", action, _("The status was changed."))


@require_POST
@staff_required
def priority(request, pk: int):
    ticket = _ticket(request, pk)
    scheme = ticket.agreement.catalog.parsed().priority if ticket.agreement_id else None

    def action(ticket, data):
        set_priority(ticket, actor=request.user, priority=data["priority"] or None, impact=data.get("impact") or "",
                     urgency=data.get("urgency") or "", reason=data["reason"], expected_version=data["version"])

    return _act(request, pk, PriorityForm, "priority_form", action, _("The priority was changed."), scheme=scheme)


@require_POST
@staff_required
def assign(request, pk: int):
    def action(ticket, data):
        assign_ticket(ticket, data["assignee"], actor=request.user, expected_version=data["version"])

    return _act(request, pk, AssignForm, "assign_form", action, _("The assignee was changed."))


@require_POST
@staff_required
def correct(request, pk: int):
    """Correct the report and where the request belongs (``desk.corrections.correct``)."""
    ticket = _ticket(request, pk)
    kinds = ticket.agreement.catalog.parsed().kinds if ticket.agreement_id else ()

    def action(ticket, data):
        correct_request(ticket, CorrectionForm.correction_of(data), by=request.user, expected_version=data["version"])

    return _act(request, pk, CorrectionForm, "correction_form", action, _("The request was corrected."), kinds=kinds)


@require_POST
@staff_required
def plan(request, pk: int):
    def action(ticket, data):
        plan_resolution(ticket, data["planned_at"], actor=request.user, expected_version=data["version"])

    return _act(request, pk, PlanForm, "plan_form", action, _("The planned resolution date was saved."))
