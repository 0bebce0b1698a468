"""One address, one contact: a contact's mail address says which organisation a mail is from.

Mail intake matches the sender's address to a contact, so two contacts with one address
(in whatever case) would let one organisation read another's mail. The database refuses a
second contact with an address already in use (``contact_address_once``, a unique index
on ``LOWER(email)``); every form and service asks :func:`address_in_use` first so the
person gets a message instead of an error, one that does not say whose address it is.
The queries are ``Contact.objects.with_address``, ``address_in_use`` and ``settle``
(:class:`meldpunt.contracts.models.ContactQuerySet`); this module holds what they share and
needs no model.

Contacts that shared an address before the rule existed are kept: the migration marked
every such contact but the oldest as ``duplicate_address`` (left out of the index) and
listed them. Mail from such an address matches more than one contact and goes to triage
as an unknown sender until an administrator changes or removes the extra contacts
(admin, Contacts, filter "shares its address"). A contact whose address changes is checked
like a new one; when the holder of a shared address leaves, :func:`settle` gives the
address to the oldest contact still using it, so each address keeps exactly one contact
under the index (``Contact.objects.settle``).
"""

from __future__ import annotations

from django.db.models import Count
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

IN_USE = _("This address is already in use.")


def normalise(address: str) -> str:
    """Addresses are kept and compared lower-cased and without surrounding spaces."""
    return (address or "").strip().lower()


def shared_addresses(contacts) -> list[str]:
    """The addresses (lower-cased) that more than one of ``contacts`` has."""
    return list(contacts.annotate(address=Lower("email")).values("address")
                .annotate(n=Count("id")).filter(n__gt=1).order_by("address").values_list("address", flat=True))


def on_contact_deleted(sender, instance, **kwargs) -> None:
    """The holder of a shared address is gone (also when its organisation is deleted);
    ``sender`` is the Contact model."""
    if not instance.duplicate_address:
        sender.objects.settle(instance.email)
