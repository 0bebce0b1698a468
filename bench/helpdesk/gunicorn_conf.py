"""gunicorn settings shared by both servers of bench/helpdesk_bench.py (the same file for both).

With DEBUG off Django reports a failed request only to ``mail_admins``; here its
``django.request`` errors also go, with their traceback, to the worker's stderr, which the
benchmark writes to ``var/bench/<product>-gunicorn.log``.
"""

import logging
import sys


def post_worker_init(worker):
    handler = logging.StreamHandler(sys.stderr)
    handler.setLevel(logging.ERROR)
    logging.getLogger("django.request").addHandler(handler)
