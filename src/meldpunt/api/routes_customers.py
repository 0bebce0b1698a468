"""/api/organisations, /api/contacts and the writes of /api/agreements (issue 22).

Vendor staff create, change and end customers, their contacts and agreements; a customer
contact reads their own organisation and its contacts (another organisation's id answers
404, as everywhere, also for a write: the id is looked up first) and is refused every write
with 403. Every write goes through
:mod:`meldpunt.contracts.writes`, the path the import shares, so the admin's rules decide
(a refusal is 400 naming the field). A create with an Idempotency-Key (as for tickets) that
the same user sent before answers the row it made then, with 200.
"""

from __future__ import annotations

from typing import Annotated

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from ninja import Path, Router, Status
from ninja.errors import HttpError

from meldpunt.api.errors import NotFound
from meldpunt.api.models import IdempotentWrite
from meldpunt.api.routes_contracts import agreement_out
from meldpunt.api.routes_contracts import router as agreements_router
from meldpunt.api.routes_tickets import IdempotencyKey
from meldpunt.api.schemas import MAX_DB_ID, AgreementOut, ErrorOut
from meldpunt.api.schemas_customers import (
    AgreementChange,
    AgreementIn,
    ContactChange,
    ContactIn,
    ContactOut,
    EndIn,
    OrganisationChange,
    OrganisationIn,
    OrganisationOut,
)
from meldpunt.contracts.models import Agreement, Contact, Organisation
from meldpunt.contracts.selectors import is_staff, own_organisation, visible_agreements
from meldpunt.contracts.writes import (
    AddonLine,
    catalog_version,
    end_agreement,
    end_contact,
    end_organisation,
    write_agreement,
    write_contact,
    write_organisation,
)

router = Router(tags=["customers"])
Id = Annotated[int, Path(ge=1, le=MAX_DB_ID)]
ERRORS = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}
#: Fields a change may set to null (clear), rather than leave out.
CLEARABLE = {"ends_on", "coordinator"}


def _staff(request) -> None:
    if not is_staff(request.auth):
        raise HttpError(403, "only vendor staff can change organisations, contacts and agreements")


def _refused(exc: ValidationError) -> HttpError:
    if hasattr(exc, "error_dict"):
        text = "; ".join(f"{name}: {' '.join(messages)}" if name != "__all__" else " ".join(messages)
                         for name, messages in exc.message_dict.items())
    else:
        text = " ".join(exc.messages)
    return HttpError(400, text)


def _changes(payload) -> dict:
    """The fields a change sent (nested objects whole, with their defaults)."""
    full = payload.dict()
    return {k: full[k] for k, v in payload.dict(exclude_unset=True).items() if v is not None or k in CLEARABLE}


def _create(request, key: str | None, operation: str, rows, make, out):
    """Run ``make()`` once per Idempotency-Key of this user; 201 with the new row, 200 with the earlier one."""
    _staff(request)
    if key:
        earlier = IdempotentWrite.objects.filter(user=request.auth, key=key).first()
        if earlier is not None:
            return _again(earlier, operation, rows, out)
    try:
        with transaction.atomic():
            instance = make().instance
            if key:
                IdempotentWrite.objects.create(user=request.auth, key=key, operation=operation, object_id=instance.pk)
    except ValidationError as exc:
        raise _refused(exc) from None
    except IntegrityError:  # the same key at the same moment, or a row made meanwhile
        earlier = IdempotentWrite.objects.filter(user=request.auth, key=key).first() if key else None
        if earlier is None:
            raise HttpError(409, f"the {operation} conflicts with one made at the same moment; try again") from None
        return _again(earlier, operation, rows, out)
    return Status(201, out(rows.get(pk=instance.pk)))


def _again(earlier: IdempotentWrite, operation: str, rows, out):
    if earlier.operation != operation:
        raise HttpError(409, "this Idempotency-Key was already used for another request")
    instance = rows.filter(pk=earlier.object_id).first()
    if instance is None:
        raise HttpError(409, "this Idempotency-Key was used for a row that no longer exists")
    return Status(200, out(instance))


def _write(write, *args, **values):
    try:
        with transaction.atomic():
            return write(*args, **values)
    except ValidationError as exc:
        raise _refused(exc) from None


# ------------------------------------------------------------------ organisations
def organisation_out(org: Organisation) -> dict:
    return {"id": org.pk, "number": org.number, "name": org.name, "language": org.language, "created_at": org.created_at}


def _organisation(request, pk: int) -> Organisation:
    found = own_organisation(request.auth, Organisation.objects.filter(pk=pk), "pk").first()
    if found is None:
        raise NotFound(f"organisation {pk}")
    return found


@router.get("/organisations", response=list[OrganisationOut], summary="Organisations the caller may see")
def list_organisations(request):
    return [organisation_out(o) for o in own_organisation(request.auth, Organisation.objects.all(), "pk")]


@router.get("/organisations/{organisation_id}", response={200: OrganisationOut, 404: ErrorOut})
def get_organisation(request, organisation_id: Id):
    return organisation_out(_organisation(request, organisation_id))


@router.post("/organisations", response={200: OrganisationOut, 201: OrganisationOut, **ERRORS},
             summary="Create an organisation (vendor staff); a repeated Idempotency-Key returns the first with 200")
def create_organisation(request, payload: OrganisationIn, idempotency_key: IdempotencyKey = None):
    return _create(request, idempotency_key, "organisation", Organisation.objects.all(),
                   lambda: write_organisation(None, **payload.dict()), organisation_out)


@router.patch("/organisations/{organisation_id}", response={200: OrganisationOut, **ERRORS},
              summary="Change an organisation (vendor staff)")
def change_organisation(request, organisation_id: Id, payload: OrganisationChange):
    organisation = _organisation(request, organisation_id)  # another organisation's id: 404 before 403
    _staff(request)
    written = _write(write_organisation, organisation, **_changes(payload))
    return organisation_out(written.instance)


@router.post("/organisations/{organisation_id}/end", response={200: OrganisationOut, **ERRORS},
             summary="A customer leaves (vendor staff): its agreements end, its contacts' logins stop")
def end_organisation_route(request, organisation_id: Id, payload: EndIn):
    organisation = _organisation(request, organisation_id)
    _staff(request)
    _write(end_organisation, organisation, payload.on or timezone.localdate())
    return organisation_out(organisation)


# ------------------------------------------------------------------ contacts
def contact_out(contact: Contact) -> dict:
    return {
        "id": contact.pk, "organisation": {"id": contact.organisation_id, "name": contact.organisation.name},
        "name": contact.name, "email": contact.email, "phone": contact.phone, "language": contact.language,
        "is_coordinator": contact.is_coordinator, "active": contact.user is None or contact.user.is_active,
    }


def _contacts(request):
    return own_organisation(request.auth, Contact.objects.select_related("organisation", "user").order_by("pk"),
                            coordinators=True)


def _contact(request, pk: int) -> Contact:
    found = _contacts(request).filter(pk=pk).first()
    if found is None:
        raise NotFound(f"contact {pk}")
    return found


def _organisation_for_write(request, pk: int | None) -> Organisation | None:
    if pk is None:
        return None
    found = Organisation.objects.filter(pk=pk).first()
    if found is None:
        raise HttpError(400, f"organisation: no organisation {pk}")
    return found


@router.get("/contacts", response=list[ContactOut], summary="Contacts the caller may see")
def list_contacts(request):
    return [contact_out(c) for c in _contacts(request)]


@router.get("/contacts/{contact_id}", response={200: ContactOut, 404: ErrorOut})
def get_contact(request, contact_id: Id):
    return contact_out(_contact(request, contact_id))


@router.post("/contacts", response={200: ContactOut, 201: ContactOut, **ERRORS},
             summary="Create a contact with a login without password (vendor staff); Idempotency-Key as for organisations")
def create_contact(request, payload: ContactIn, idempotency_key: IdempotencyKey = None):
    def make():
        values = payload.dict()
        values["organisation"] = _organisation_for_write(request, values["organisation"])
        return write_contact(None, **values)

    return _create(request, idempotency_key, "contact", Contact.objects.select_related("organisation", "user"),
                   make, contact_out)


@router.patch("/contacts/{contact_id}", response={200: ContactOut, **ERRORS}, summary="Change a contact (vendor staff)")
def change_contact(request, contact_id: Id, payload: ContactChange):
    contact = _contact(request, contact_id)
    _staff(request)
    values = _changes(payload)
    if "organisation" in values:
        values["organisation"] = _organisation_for_write(request, values["organisation"])
    return contact_out(_write(write_contact, contact, **values).instance)


@router.post("/contacts/{contact_id}/end", response={200: ContactOut, **ERRORS},
             summary="A contact leaves (vendor staff): their login stops; their requests stay")
def end_contact_route(request, contact_id: Id):
    contact = _contact(request, contact_id)
    _staff(request)
    _write(end_contact, contact)
    return contact_out(_contact(request, contact_id))


# ------------------------------------------------------------------ agreements
# On the router of GET /agreements: ninja answers 405 for a path that two routers share.
def _agreement_values(request, values: dict) -> dict:
    if values.get("organisation") is not None:
        values["organisation"] = _organisation_for_write(request, values["organisation"])
    if "coordinator" in values and values["coordinator"] is not None:
        coordinator = Contact.objects.filter(pk=values["coordinator"]).first()
        if coordinator is None:
            raise HttpError(400, f"coordinator: no contact {values['coordinator']}")
        values["coordinator"] = coordinator
    if values.get("target_overrides") is not None:
        values["target_overrides"] = [{k: v for k, v in o.items() if v is not None} for o in values["target_overrides"]]
    addons = values.pop("addons", None)
    if addons is not None:
        addons = [AddonLine(a["addon"], a["quantity"], tuple(a["names"])) for a in addons]
    return {"addons": addons, **values}


def _agreement(request, pk: int) -> Agreement:
    found = visible_agreements(request.auth).filter(pk=pk).first()
    if found is None:
        raise NotFound(f"agreement {pk}")
    return found


@agreements_router.post("/agreements", response={200: AgreementOut, 201: AgreementOut, **ERRORS},
             summary="Create an agreement (vendor staff), with the admin's rules; Idempotency-Key as for organisations")
def create_agreement(request, payload: AgreementIn, idempotency_key: IdempotencyKey = None):
    def make():
        values = payload.dict()
        vendor, version = values.pop("catalog"), values.pop("catalog_version")
        catalog = catalog_version(vendor, version)
        if catalog is None:
            raise ValidationError({"catalog": f"no catalog {vendor} {version}".strip()})
        return write_agreement(None, catalog=catalog, **_agreement_values(request, values))

    return _create(request, idempotency_key, "agreement", visible_agreements(request.auth), make, agreement_out)


@agreements_router.patch("/agreements/{agreement_id}", response={200: AgreementOut, **ERRORS},
              summary="Change an agreement (vendor staff); addons, when given, replace the add-ons")
def change_agreement(request, agreement_id: Id, payload: AgreementChange):
    agreement = _agreement(request, agreement_id)
    _staff(request)
    _write(write_agreement, agreement, **_agreement_values(request, _changes(payload)))
    return agreement_out(_agreement(request, agreement_id))


@agreements_router.post("/agreements/{agreement_id}/end", response={200: AgreementOut, **ERRORS},
             summary="End an agreement on a day (vendor staff); its history stays")
def end_agreement_route(request, agreement_id: Id, payload: EndIn):
    agreement = _agreement(request, agreement_id)
    _staff(request)
    _write(end_agreement, agreement, payload.on or timezone.localdate())
    return agreement_out(_agreement(request, agreement_id))
