"""Background jobs of triage (django-tasks-db)."""

from django.tasks import task

from meldpunt.triage.followup import follow_up_pending
from meldpunt.triage.services import expire_proposals


@task()
def follow_up() -> int:
    """The follow-up of registered requests (assessment, then confirmation): every pending
    one at hand. Enqueued by each registration (:mod:`meldpunt.tickets.registration`) and
    run every minute by `meldpunt scheduler` as a safety net (a failed run leaves its
    follow-ups pending for the next)."""
    return follow_up_pending()


@task()
def expire_old_proposals() -> int:
    """Proposals past their validity date expire (run daily by `meldpunt scheduler`)."""
    return expire_proposals()
