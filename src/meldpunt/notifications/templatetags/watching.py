"""``{% watch_button ticket %}``: the console ticket page's watch / stop watching button."""

from django import template

from meldpunt.notifications.selectors import watches

register = template.Library()


@register.inclusion_tag("notifications/_watch.html", takes_context=True)
def watch_button(context, ticket) -> dict:
    user = context.get("user")
    return {"ticket": ticket, "watching": bool(user is not None and user.is_authenticated and watches(user, ticket)),
            "csrf_token": context.get("csrf_token")}
