"""Writes of the agent desk (HackSoft services): saved queue views and reply templates.

A saved view keeps only the queue's own parameters, normalised, so a hand-edited or
stale URL can never smuggle anything else into a link shown to the whole team.
Vendor staff only: the views call these after ``staff_required``.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from meldpunt.desk.forms import QueueFilterForm
from meldpunt.desk.models import NAME_LENGTH, QUERY_LENGTH, Macro, SavedView
from meldpunt.tickets.models import STATUS_CHOICES

#: The queue's filter and sort parameters, in the order a normalised query lists them.
QUEUE_PARAMS = ("queue", "sort", "status", "kind", "priority", "organisation", "tag", "team")
#: Parameters of the queue URL that are paging state, not part of a view: dropped.
PAGING_PARAMS = ("cursor",)
DEFAULTS = {"queue": "all", "sort": "deadline"}


class DeskError(ValueError):
    """Input that cannot be saved, with a message for the agent who gave it and the
    form field it is about (None: the input as a whole)."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def normalise_query(query: str, *, lenient: bool = False) -> str:
    """``query`` (a ``/console/`` query string) with known parameters only, valid values,
    in a fixed order; empty values and the default sort are left out, the queue is always
    named. Unknown parameters or bad values raise :class:`DeskError` naming them, or with
    ``lenient`` are dropped (as the queue page itself ignores them)."""
    pairs = parse_qsl(query.strip().lstrip("?"), keep_blank_values=True)
    unknown = sorted({key for key, _value in pairs if key not in QUEUE_PARAMS + PAGING_PARAMS})
    if unknown and not lenient:
        raise DeskError(_("Unknown filter in the view: %(names)s.") % {"names": ", ".join(unknown)}, "query")
    values = {key: value.strip() for key, value in pairs if key in QUEUE_PARAMS and value.strip()}
    form = QueueFilterForm(values)
    if not form.is_valid():
        if not lenient:
            bad = sorted(str(form.fields[name].label or name) for name in form.errors)
            raise DeskError(_("Not a valid value for: %(names)s.") % {"names": ", ".join(bad)}, "query")
        values = {key: value for key, value in values.items() if key not in form.errors}
    values = {**DEFAULTS, **values}
    kept = [(key, values[key]) for key in QUEUE_PARAMS
            if key in values and not (key == "sort" and values[key] == DEFAULTS["sort"])]
    normal = urlencode(kept)
    if len(normal) > QUERY_LENGTH:
        if lenient:
            return urlencode([("queue", values["queue"])])
        raise DeskError(_("This view is too long to save."), "query")
    return normal


def _clean_name(name: str) -> str:
    name = " ".join(name.split())
    if not name:
        raise DeskError(_("Give the view a name."), "name")
    if len(name) > NAME_LENGTH:
        raise DeskError(_("A name has at most %(n)d characters.") % {"n": NAME_LENGTH}, "name")
    return name


def _save_unique(obj, message: str, **kwargs) -> None:
    """Save ``obj``; the unique name constraint (a second tab saving the same name a moment
    earlier) becomes the same clear error as the check before it."""
    try:
        with transaction.atomic():
            obj.save(**kwargs)
    except IntegrityError:
        raise DeskError(message, "name") from None


def _name_taken(owner, name: str, exclude: int | None = None) -> bool:
    return SavedView.objects.filter(owner=owner, name__iexact=name).exclude(pk=exclude).exists()


@transaction.atomic
def save_view(*, owner, name: str, query: str, shared: bool = False) -> SavedView:
    """Save the queue's current filter and sort under ``name`` (unique per owner)."""
    name, query = _clean_name(name), normalise_query(query)
    taken = _("You already have a view called “%(name)s”.") % {"name": name}
    if _name_taken(owner, name):
        raise DeskError(taken, "name")
    view = SavedView(owner=owner, name=name, query=query, shared=shared)
    _save_unique(view, taken)
    return view


@transaction.atomic
def update_view(*, view: SavedView, actor, name: str, shared: bool) -> SavedView:
    """Rename a view or change who sees it; only its owner may."""
    if view.owner_id != actor.pk:
        raise DeskError(_("Only the owner can change a view."))
    name = _clean_name(name)
    taken = _("You already have a view called “%(name)s”.") % {"name": name}
    if _name_taken(actor, name, exclude=view.pk):
        raise DeskError(taken, "name")
    view.name, view.shared = name, shared
    _save_unique(view, taken, update_fields=["name", "shared"])
    return view


def delete_view(*, view: SavedView, actor) -> None:
    if view.owner_id != actor.pk:
        raise DeskError(_("Only the owner can delete a view."))
    view.delete()


# ------------------------------------------------------------------ macros
def _check_macro(name: str, body_nl: str, body_en: str, set_status: str, exclude: int | None = None) -> str:
    name = " ".join(name.split())
    if not name:
        raise DeskError(_("Give the template a name."), "name")
    if len(name) > NAME_LENGTH:
        raise DeskError(_("A name has at most %(n)d characters.") % {"n": NAME_LENGTH}, "name")
    if not (body_nl.strip() or body_en.strip()):
        raise DeskError(_("Write the text in Dutch, in English or in both."))
    if set_status and set_status not in dict(STATUS_CHOICES):
        raise DeskError(_("Not a valid value for: %(names)s.") % {"names": "set_status"}, "set_status")
    if Macro.objects.filter(name__iexact=name).exclude(pk=exclude).exists():
        raise DeskError(_("There is already a template called “%(name)s”.") % {"name": name}, "name")
    return name


@transaction.atomic
def save_macro(*, actor, name: str, body_nl: str = "", body_en: str = "", set_status: str = "",
               internal_note: bool = False, macro: Macro | None = None) -> Macro:
    """Create a reply template, or change ``macro``; the names are unique for the team."""
    name = _check_macro(name, body_nl, body_en, set_status, exclude=macro.pk if macro else None)
    macro = macro or Macro(created_by=actor)
    macro.name, macro.body_nl, macro.body_en = name, body_nl, body_en
    macro.set_status, macro.internal_note = set_status, internal_note
    _save_unique(macro, _("There is already a template called “%(name)s”.") % {"name": name})
    return macro


def delete_macro(*, macro: Macro, actor) -> None:
    """Any colleague may delete a team template; replies already sent keep their text."""
    macro.delete()
