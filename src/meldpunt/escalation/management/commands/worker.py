"""``meldpunt worker``: ``db_worker`` with a heartbeat, so a killed worker's jobs run again.

Same options as ``db_worker``. Every ``MELDPUNT_WORKER_HEARTBEAT`` seconds (5) the worker
records that it lives and requeues the jobs of workers silent for ``MELDPUNT_WORKER_STALE``
seconds (60).
"""

from django.utils.translation import gettext_noop
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from meldpunt.escalation.workers import Heartbeat
from meldpunt.warmup import warm_up


class Command(DbWorkerCommand):
    help = gettext_noop("Run a database task worker that beats; jobs of dead workers go back to the queue.")

    def handle(self, *args, **options):
        warm_up()  # the first job that mails a link would otherwise import every view
        heartbeat = Heartbeat(options["worker_id"])
        heartbeat.start()
        try:
            return super().handle(*args, **options)
        finally:
            heartbeat.stop()
