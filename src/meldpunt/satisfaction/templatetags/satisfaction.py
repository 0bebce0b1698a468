"""The rating panels on the request pages: ``{% portal_rating ticket %}`` (the customer's
form) and ``{% console_rating ticket %}`` (what the customer said, for staff)."""

from django import template

from meldpunt.satisfaction.forms import RatingForm
from meldpunt.satisfaction.models import Rating
from meldpunt.satisfaction.services import DONE, can_rate, window_end

register = template.Library()


@register.inclusion_tag("satisfaction/_portal.html", takes_context=True)
def portal_rating(context, ticket):
    if ticket.status not in DONE:
        return {"show": False}
    rating = Rating.objects.filter(ticket=ticket).first()
    initial = {"score": rating.score, "comment": rating.comment} if rating else {}
    return {"show": True, "ticket": ticket, "rating": rating, "open": can_rate(ticket), "until": window_end(ticket),
            "form": RatingForm(initial=initial), "csrf_token": context.get("csrf_token")}


@register.inclusion_tag("satisfaction/_console.html")
def console_rating(ticket):
    rating = Rating.objects.filter(ticket=ticket).select_related("contact").first()
    return {"show": rating is not None or ticket.status in DONE, "rating": rating}
