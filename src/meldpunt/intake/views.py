"""Agent pages of intake: register a mail that reached a personal mailbox; log a call or chat;
release or discard mail held by the flood rule."""

from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from meldpunt.contracts.models import Agreement
from meldpunt.intake import attachments, previews
from meldpunt.intake.contact_log import channel_sentences, log_contact
from meldpunt.intake.contact_points import contact_lines, vendor_contacts
from meldpunt.intake.forms import ContactLogForm, ForwardForm
from meldpunt.intake.models import Attachment, InboundMail
from meldpunt.intake.services import handle_held, held_mail, register_forward
from meldpunt.tickets.models import Ticket
from meldpunt.tickets.selectors import visible_tickets
from meldpunt.tickets.services import TicketError


@staff_member_required
def forward(request):
    form = ForwardForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        result = register_forward(form.raw(), agent=request.user)
        form = ForwardForm()
    return render(request, "intake/forward.html", {"form": form, "result": result})


@staff_member_required
def contact_log(request):
    form = ContactLogForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        ticket = None
        if data["ticket"]:
            ticket = Ticket.objects.filter(pk=data["ticket"]).first()
            if ticket is None:
                form.add_error("ticket", _("No such ticket."))
        if not form.errors:
            try:
                ticket = log_contact(
                    channel=data["channel"], agent=request.user, summary=data["summary"], contact=data["contact"],
                    agreement=data["agreement"], ticket=ticket, subject=data["subject"],
                )
            except TicketError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Logged on ticket #%(n)s.") % {"n": ticket.pk})
                return redirect("intake-log")
    return render(request, "intake/contact_log.html", {"form": form, **_line_facts(request)})


def _line_facts(request) -> dict:
    """What the agent on the phone needs: each vendor's numbers, and for the agreement named in
    ``?agreement=`` which lines are open now (the channel hours of its catalog)."""
    lang = get_language() or "en"
    facts: dict = {"vendors": vendor_contacts(lang[:2])}
    pk = request.GET.get("agreement", "")
    if pk.isdigit() and int(pk) < 2**63:
        found = Agreement.objects.select_related("catalog", "organisation").filter(pk=int(pk)).first()
        if found is not None:
            facts.update(agreement=found, live_lines=channel_sentences(found, lang[:2]),
                         agreement_contacts=contact_lines(found, lang[:2]))
    return facts


@staff_member_required
def held(request):
    """Mail held by the flood rule (intake.flood), per sender; an agent releases the real
    requests among it (registered as they would have been) and discards the rest."""
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action not in ("release", "discard"):
            return HttpResponseBadRequest(_("Unknown action."))
        ids = [int(pk) for pk in request.POST.getlist("mail") if pk.isdigit()]
        if request.POST.get("sender"):  # every held mail of one sender
            ids = list(InboundMail.objects.filter(outcome="held", sender=request.POST["sender"]).values_list("pk", flat=True))
        if not ids:
            messages.error(request, _("Select the mail first."))
            return redirect("intake-held")
        done, errors = handle_held(ids, action, agent=request.user)
        if action == "release":
            messages.success(request, _("%(n)s mail(s) released.") % {"n": done})
        else:
            messages.success(request, _("%(n)s mail(s) discarded.") % {"n": done})
        for error in errors:
            messages.error(request, _("Not handled: %(error)s") % {"error": error})
        return redirect("intake-held")
    handled = (InboundMail.objects.filter(handled_at__isnull=False).select_related("handled_by")
               .defer("raw").order_by("-handled_at")[:20])
    return render(request, "intake/held.html", {"rows": held_mail(), "handled": handled})


def _readable(request, pk: int) -> Attachment:
    """A stored thread file the caller may read: staff, or a customer who may see the ticket
    and the message (another organisation's ids, internal notes and files kept only inside
    the raw mail answer 404)."""
    found = Attachment.objects.select_related("message").filter(pk=pk).first()
    if found is None or not visible_tickets(request.user).filter(pk=found.message.ticket_id).exists():
        raise Http404("no such attachment")
    if not request.user.is_staff and not found.message.public:
        raise Http404("no such attachment")
    if found.too_large or not found.file.name:
        raise Http404("this file stayed inside the original mail")
    return found


def _file_response(stored, *, content_type: str, size: int | None, filename: str, download: bool) -> FileResponse:
    response = FileResponse(stored, content_type=content_type)
    response.block_size = attachments.CHUNK_BYTES
    if size is not None:
        response["Content-Length"] = str(size)
    response["Content-Disposition"] = content_disposition_header(download, filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@login_required
def attachment(request, pk: int):
    """Download a file from a ticket's thread (:func:`_readable` decides who may). Streamed
    from the file storage a block at a time (FileResponse); always a download (never shown
    inline), never as a type a browser runs."""
    found = _readable(request, pk)
    try:
        stored = attachments.open_file(found)
    except FileNotFoundError:
        raise Http404("the stored file is missing") from None
    return _file_response(stored, content_type=attachments.download_content_type(found.content_type),
                          size=found.size, filename=found.filename, download=True)


@login_required
def attachment_preview(request, pk: int):
    """The picture the request page shows of a file: a raster image as it is, a PDF's first
    page as a PNG (:mod:`meldpunt.intake.previews`); shown inline, but only as an image
    (``nosniff``, a sandbox without any source). Same access as the download; no preview: 404."""
    found = _readable(request, pk)
    try:
        if found.preview == "image":
            return _file_response(attachments.open_file(found), content_type=found.content_type, size=found.size,
                                  filename=found.filename, download=False)
        if found.preview == "pdf":
            stored = previews.pdf_preview(found)
            if stored is not None:
                response = _file_response(stored, content_type="image/png", size=None,
                                          filename=f"{found.filename}.png", download=False)
                response["Cache-Control"] = "private, max-age=3600"
                return response
    except FileNotFoundError:
        raise Http404("the stored file is missing") from None
    raise Http404("no preview of this file")
