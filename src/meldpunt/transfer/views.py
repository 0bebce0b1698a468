"""Staff pages: import a file (a dry run to read, then confirm) and download an organisation's
export. Customers get 404, as on every console page."""

from __future__ import annotations

import tempfile

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.shortcuts import render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from meldpunt.accounts.access import staff_required
from meldpunt.transfer import uploads
from meldpunt.transfer.export import json_pieces, write_zip
from meldpunt.transfer.forms import KIND_LABELS, ConfirmForm, ExportForm, ImportForm
from meldpunt.transfer.importer import run_import
from meldpunt.transfer.readers import FileError, read_sheet

#: Rows shown on a page besides the refused ones (all of which are shown).
SHOWN = 1000


@staff_required
def index(request):
    return render(request, "transfer/index.html", {"form": ImportForm(), "export": ExportForm()})


@staff_required
@require_POST
def preview(request):
    form = ImportForm(request.POST, request.FILES)
    report = None
    if form.is_valid():
        uploaded, kind = form.cleaned_data["file"], form.cleaned_data["kind"]
        try:
            sheet = read_sheet(uploaded, uploaded.name)
            report = run_import(kind, sheet, dry_run=True)
        except FileError as exc:
            form.add_error("file", str(exc))
        else:
            uploaded.seek(0)
            token = uploads.keep(request.session, uploaded, kind)
            return render(request, "transfer/report.html", _report_context(report, uploaded.name, confirm=ConfirmForm(
                initial={"upload": token})))
    return render(request, "transfer/index.html", {"form": form, "export": ExportForm()}, status=400)


@staff_required
@require_POST
def confirm(request):
    form = ConfirmForm(request.POST)
    held = uploads.kept(request.session, form.data.get("upload", "")) if form.is_valid() else None
    if held is None:
        return render(request, "transfer/index.html", {
            "form": ImportForm(), "export": ExportForm(),
            "error": _("That upload is no longer waiting; upload the file again."),
        }, status=400)
    with default_storage.open(held["name"], "rb") as stream:
        sheet = read_sheet(stream, held["filename"])
    report = run_import(held["kind"], sheet, dry_run=False)
    uploads.forget(request.session)
    return render(request, "transfer/report.html", _report_context(report, held["filename"], confirm=None))


def _report_context(report, filename: str, confirm) -> dict:
    refused = [r for r in report.rows if r.outcome == "refused"]
    others = [r for r in report.rows if r.outcome != "refused"]
    return {
        "report": report, "filename": filename, "kind_label": KIND_LABELS[report.kind], "confirm": confirm,
        "refused": refused, "others": others[:SHOWN], "hidden": max(0, len(others) - SHOWN),
        "counts": [(KIND_OUTCOMES[o], report.counts[o]) for o in KIND_OUTCOMES],
    }


KIND_OUTCOMES = {"created": _("created"), "changed": _("changed"), "unchanged": _("unchanged"), "refused": _("refused")}


@staff_required
def export(request):
    form = ExportForm(request.GET)
    if not form.is_valid():
        raise Http404("no such organisation")
    organisation, kind = form.cleaned_data["organisation"], form.cleaned_data["format"]
    stem = f"meldpunt-{slugify(organisation.number or organisation.name) or organisation.pk}"
    if kind == "json":
        response = StreamingHttpResponse(json_pieces(organisation), content_type="application/json; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{stem}.json"'
        return response
    spool = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it
    write_zip(organisation, spool)
    spool.seek(0)
    return FileResponse(spool, as_attachment=True, filename=f"{stem}.zip", content_type="application/zip")


