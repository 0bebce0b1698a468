"""``{% notification_badge %}``: the navigation's link to the agent's notifications with
the unread count (one indexed count query, for staff only)."""

from django import template

from meldpunt.contracts.selectors import is_staff
from meldpunt.notifications.selectors import unread_count

register = template.Library()


@register.inclusion_tag("notifications/_badge.html", takes_context=True)
def notification_badge(context) -> dict:
    user = context.get("user")
    staff = bool(user is not None and user.is_authenticated and is_staff(user))
    return {"show": staff, "unread": unread_count(user) if staff else 0}
