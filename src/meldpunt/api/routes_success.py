"""/api/agreements/{id}/success-manager: the customer success manager of an agreement.

Seed 003 (Xtreme Elite): "U krijgt een Customer Success Manager (CSM) toegewezen." Anyone who
may see the agreement reads who it is; vendor staff name or remove one (``user``: a staff
user's id, or null). An agreement whose package lacks the entitlement is refused with 400.
Another organisation's agreement answers 404 before the staff check, as everywhere.
"""

from __future__ import annotations

from typing import Annotated

from django.contrib.auth import get_user_model
from ninja import Path, Router, Schema
from ninja.errors import HttpError
from pydantic import Field

from meldpunt.api.errors import NotFound
from meldpunt.api.schemas import MAX_DB_ID, ErrorOut
from meldpunt.contracts.models import Agreement
from meldpunt.contracts.selectors import is_staff, visible_agreements
from meldpunt.success.selectors import manager_of
from meldpunt.success.services import ManagerError, name_manager, remove_manager

router = Router(tags=["contracts"])
Id = Annotated[int, Path(ge=1, le=MAX_DB_ID)]


class ManagerIn(Schema):
    user: Annotated[int, Field(ge=1, le=MAX_DB_ID)] | None = None


class ManagerOut(Schema):
    agreement: int
    user: int | None = None
    name: str = ""
    email: str = ""


def _agreement(request, pk: int) -> Agreement:
    found = visible_agreements(request.auth).select_related("catalog").filter(pk=pk).first()
    if found is None:
        raise NotFound(f"agreement {pk}")
    return found


def _out(agreement: Agreement) -> dict:
    return {"agreement": agreement.pk, **(manager_of(agreement) or {})}


@router.get("/agreements/{agreement_id}/success-manager", response={200: ManagerOut, 404: ErrorOut},
            summary="The agreement's customer success manager (user null: none)")
def get_manager(request, agreement_id: Id):
    return _out(_agreement(request, agreement_id))


@router.put("/agreements/{agreement_id}/success-manager",
            response={200: ManagerOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
            summary="Name (user: a staff user's id) or remove (user: null) the customer success manager (vendor staff)")
def put_manager(request, agreement_id: Id, payload: ManagerIn):
    agreement = _agreement(request, agreement_id)
    if not is_staff(request.auth):
        raise HttpError(403, "only vendor staff can name a customer success manager")
    if payload.user is None:
        remove_manager(agreement)
        return _out(agreement)
    user = get_user_model().objects.filter(pk=payload.user).first()
    if user is None:
        raise HttpError(400, f"user: no user {payload.user}")
    try:
        name_manager(agreement, user)
    except ManagerError as exc:
        raise HttpError(400, str(exc)) from None
    return _out(agreement)
