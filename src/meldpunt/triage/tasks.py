"""Background jobs of triage (django-tasks-db)."""

from django.tasks import task

from meldpunt.triage.services import expire_proposals


@task()
def expire_old_proposals() -> int:
    """Proposals past their validity date expire (run daily by `meldpunt scheduler`)."""
    return expire_proposals()
