"""Previews of thread files on the request page: images as they are, a PDF as a picture of
its first page.

A PDF is never shown by the browser's own viewer (it would run the file's scripts and
forms in our origin's tab): ``pdftoppm`` (poppler-utils) renders page 1 to a PNG of at most
:data:`WIDTH` pixels, in a child process with limits on time, memory and CPU, from a
temporary copy of the stored file. The PNG is kept in the file storage next to the file
(``<name>.preview.png``, removed with it), so a page view renders a PDF once. A PDF that
cannot be rendered (damaged, encrypted, too heavy) has no preview; the download link stays.
"""

from __future__ import annotations

import logging
import resource
import shutil
import subprocess
import tempfile
from pathlib import Path

from django.core.files.base import ContentFile

from meldpunt.intake import attachments
from meldpunt.intake.models import Attachment

log = logging.getLogger(__name__)

WIDTH = 480
TIMEOUT_SECONDS = 20
MEMORY_BYTES = 768 * 1024 * 1024


def preview_name(attachment: Attachment) -> str:
    return f"{attachment.file.name}.preview.png"


def _limits() -> None:  # in the child, before pdftoppm starts
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_BYTES, MEMORY_BYTES))
    resource.setrlimit(resource.RLIMIT_CPU, (TIMEOUT_SECONDS, TIMEOUT_SECONDS))


def render_pdf(source: Path) -> bytes | None:
    """Page 1 of the PDF at ``source`` as PNG bytes, or None when it cannot be rendered."""
    program = shutil.which("pdftoppm")
    if program is None:
        log.warning("previews: pdftoppm (poppler-utils) is not installed; PDFs get no preview")
        return None
    with tempfile.TemporaryDirectory(prefix="meldpunt-preview-") as folder:
        out = Path(folder) / "page"
        try:
            subprocess.run([program, "-q", "-f", "1", "-l", "1", "-singlefile", "-png", "-scale-to", str(WIDTH),
                            str(source), str(out)], check=True, timeout=TIMEOUT_SECONDS, preexec_fn=_limits,
                           stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        except (subprocess.SubprocessError, OSError) as exc:
            log.info("previews: cannot render %s: %s", source.name, exc)
            return None
        png = out.with_suffix(".png")
        return png.read_bytes() if png.exists() else None


def pdf_preview(attachment: Attachment):
    """The stored PNG of the PDF's first page, open for reading (rendered the first time);
    None when the PDF cannot be rendered."""
    storage, name = attachment.file.storage, preview_name(attachment)
    if not storage.exists(name):
        with tempfile.NamedTemporaryFile(suffix=".pdf") as copy:
            for piece in attachments.chunks(attachment):
                copy.write(piece)
            copy.flush()
            png = render_pdf(Path(copy.name))
        if png is None:
            return None
        saved = storage.save(name, ContentFile(png))
        if saved != name:  # a concurrent request rendered it first: keep one
            storage.delete(saved)
    return storage.open(name, "rb")
