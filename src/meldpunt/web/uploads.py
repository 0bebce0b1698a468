"""An upload handler that refuses a file once its streamed size passes the limit for one
attachment, before it is read whole.

Django streams multipart bodies through its upload handlers in 64 KiB pieces; files above
FILE_UPLOAD_MAX_MEMORY_SIZE go to a temporary file. This handler sits first: it counts each
file's bytes as they arrive and, past ``MELDPUNT_MAX_ATTACHMENT_BYTES``, raises ``SkipFile``
(Django then closes the temporary file and reads the rest of that file without keeping it).
The names of refused files are kept on ``request.refused_uploads`` for the form to report:
a request is never registered without a file the customer sent.
"""

from __future__ import annotations

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, SkipFile


class AttachmentLimitHandler(FileUploadHandler):
    def __init__(self, request=None):
        super().__init__(request)
        self.limit = settings.MELDPUNT_MAX_ATTACHMENT_BYTES
        self.received = 0
        request.refused_uploads = []

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.limit:
            self.request.refused_uploads.append(self.file_name)
            raise SkipFile
        return raw_data

    def file_complete(self, file_size):
        return None  # the next handler (memory or temporary file) holds the file


def limit_attachments(request) -> None:
    """Put the handler first; call before anything reads ``request.POST`` or ``FILES``."""
    request.upload_handlers.insert(0, AttachmentLimitHandler(request))
