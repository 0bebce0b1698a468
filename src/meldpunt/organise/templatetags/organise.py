"""The organise parts of the console pages, as inclusion tags, so the shared templates
(queue, ticket page) need one line each and the console's views need no change."""

from __future__ import annotations

from django import template

from meldpunt.organise.bulk import MAX_ROWS
from meldpunt.organise.forms import BulkForm, NumberForm, TagForm
from meldpunt.organise.services import linked_tickets, tags_of

register = template.Library()


@register.inclusion_tag("organise/_panel.html", takes_context=True)
def organise_panel(context, ticket):
    """Tags, links and merge on the console ticket page."""
    links = linked_tickets(ticket)
    return {
        "ticket": ticket, "csrf_token": context.get("csrf_token"),
        "tags": tags_of(ticket), "links": links,
        "tag_form": TagForm(auto_id="tag_%s"), "link_form": NumberForm(auto_id="link_%s"),
        "merge_form": NumberForm(auto_id="merge_%s", initial={"version": ticket.version}),
        "merged": any(row["how"] == "merged_into" for row in links),
    }


@register.inclusion_tag("organise/_bulk.html", takes_context=True)
def bulk_actions(context):
    """The bulk action bar above the queue; the rows' checkboxes belong to its form."""
    request = context["request"]
    return {"csrf_token": context.get("csrf_token"), "max_rows": MAX_ROWS,
            "form": BulkForm(initial={"next": request.get_full_path()})}
