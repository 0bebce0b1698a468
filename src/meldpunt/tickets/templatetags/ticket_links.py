"""``{% follow_up_links ticket "console" %}``: the requests a follow-up links (issue 19 item 4),
and for a resolved request the day it closes by itself (:mod:`meldpunt.tickets.autoclose`),
shown on the console's ticket page and the portal's request page."""

from django import template

from meldpunt.tickets.autoclose import closes_at
from meldpunt.tickets.replies import linked

register = template.Library()

#: The page of a request, per face.
PAGES = {"console": "console:ticket", "portal": "portal:request"}


@register.inclusion_tag("tickets/_links.html")
def follow_up_links(ticket, face: str = "console") -> dict:
    links = linked(ticket)
    return {"previous": links["previous"], "follow_ups": links["follow_ups"], "page": PAGES.get(face, PAGES["console"]),
            "closes_at": closes_at(ticket)}
