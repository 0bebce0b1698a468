"""Pages to manage saved queue views and reply templates (vendor staff; customers get 404)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from meldpunt.accounts.access import staff_required
from meldpunt.desk import services
from meldpunt.desk.forms import EditViewForm, MacroForm, SavedViewForm
from meldpunt.desk.selectors import find_macro, macros, own_view, visible_views


def _views_page(request, form, status: int = 200):
    rows = sorted(visible_views(request.user), key=lambda v: (v.owner_id != request.user.pk, v.name.lower()))
    return render(request, "desk/views.html", {"rows": rows, "form": form, "queue": reverse("console:queue")},
                  status=status)


@staff_required
def saved_views(request):
    """GET: the agent's views and the team's shared ones. POST: save the current queue view."""
    if request.method != "POST":
        return _views_page(request, SavedViewForm(initial={"query": request.GET.get("query", "")}))
    form = SavedViewForm(request.POST)
    if form.is_valid():
        try:
            view = services.save_view(owner=request.user, **form.cleaned_data)
        except services.DeskError as exc:
            form.add_error(exc.field, str(exc))
        else:
            messages.success(request, _("View “%(name)s” saved.") % {"name": view.name})
            return redirect(f"{reverse('console:queue')}?{view.query}")
    return _views_page(request, form, status=400)


@staff_required
def edit_view(request, pk: int):
    view = own_view(request.user, pk)
    form = EditViewForm(request.POST or None, initial={"name": view.name, "shared": view.shared})
    if request.method == "POST" and form.is_valid():
        try:
            services.update_view(view=view, actor=request.user, **form.cleaned_data)
        except services.DeskError as exc:
            form.add_error(exc.field, str(exc))
        else:
            messages.success(request, _("The view was changed."))
            return redirect("desk:views")
    return render(request, "desk/view_edit.html", {"view": view, "form": form},
                  status=400 if form.errors else 200)


@require_POST
@staff_required
def delete_view(request, pk: int):
    view = own_view(request.user, pk)
    services.delete_view(view=view, actor=request.user)
    messages.success(request, _("View “%(name)s” deleted.") % {"name": view.name})
    return redirect("desk:views")


# ------------------------------------------------------------------ macros
@staff_required
def macro_list(request):
    return render(request, "desk/macros.html", {"rows": macros()})


def _macro_or_404(pk: int):
    found = find_macro(pk)
    if found is None:
        raise Http404("no such template")
    return found


@staff_required
def macro_edit(request, pk: int | None = None):
    """Create a template (no ``pk``) or change one; any colleague may, they are the team's."""
    found = _macro_or_404(pk) if pk is not None else None
    initial = {f: getattr(found, f) for f in ("name", "body_nl", "body_en", "set_status", "internal_note")} if found else {}
    form = MacroForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.save_macro(actor=request.user, macro=found, **form.cleaned_data)
        except services.DeskError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc))
        else:
            messages.success(request, _("Template “%(name)s” saved.") % {"name": saved.name})
            return redirect("desk:macros")
    return render(request, "desk/macro_edit.html", {"macro": found, "form": form},
                  status=400 if form.errors else 200)


@require_POST
@staff_required
def macro_delete(request, pk: int):
    found = _macro_or_404(pk)
    services.delete_macro(macro=found, actor=request.user)
    messages.success(request, _("Template “%(name)s” deleted.") % {"name": found.name})
    return redirect("desk:macros")
