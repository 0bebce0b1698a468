"""Who an agreement's customer success manager is (the portal's agreement page, the API)."""

from __future__ import annotations

from meldpunt.contracts.models import Agreement
from meldpunt.success.models import SuccessManager


def manager_of(agreement: Agreement) -> dict | None:
    """Name and mail address of the agreement's manager, or None."""
    found = SuccessManager.objects.select_related("user").filter(agreement=agreement).first()
    if found is None:
        return None
    user = found.user
    return {"user": user.pk, "name": user.get_full_name() or user.username, "email": user.email}
