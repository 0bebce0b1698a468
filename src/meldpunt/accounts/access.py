"""Who may open which page. Anyone not allowed gets 404, never a hint that the id exists."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.utils.translation import get_language

from meldpunt.contracts.selectors import contact_of, is_staff


def language() -> str:
    return "nl" if (get_language() or "en").startswith("nl") else "en"


def staff_required(view):
    """Console pages: vendor staff only; customers get 404 (another org's id answers 404)."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not is_staff(request.user):
            raise Http404("console")
        return view(request, *args, **kwargs)

    return wrapper


def contact_required(view):
    """Portal pages: a customer contact; ``request.contact`` is set for the view."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        contact = contact_of(request.user)
        if contact is None:
            raise Http404("portal")
        request.contact = contact
        return view(request, *args, **kwargs)

    return wrapper
