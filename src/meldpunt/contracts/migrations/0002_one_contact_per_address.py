"""One address, one contact (issue 16): a unique index on LOWER(email).

Contacts that already share an address cannot be made unique without choosing whose
address it is, so the migration never fails on them: it keeps the oldest contact of each
shared address under the index, marks the others ``duplicate_address`` (left out of the
index), and prints the list. Mail from a shared address goes to triage until an
administrator has changed or removed the extra contacts.
"""

import django.db.models.functions.text
from django.db import migrations, models
from django.db.models import Count
from django.db.models.functions import Lower


def mark_duplicates(Contact) -> list[str]:
    """Mark every contact but the oldest of each shared address; the report's lines."""
    shared = list(Contact.objects.annotate(address=Lower("email")).values("address")
                  .annotate(n=Count("id")).filter(n__gt=1).order_by("address").values_list("address", flat=True))
    lines = []
    for address in shared:
        contacts = list(Contact.objects.annotate(address=Lower("email")).filter(address=address)
                        .select_related("organisation").order_by("pk"))
        Contact.objects.filter(pk__in=[c.pk for c in contacts[1:]]).update(duplicate_address=True)
        names = ", ".join(f"#{c.pk} {c.name} ({c.organisation.name})" for c in contacts)
        lines.append(f"  {address}: {names}")
    if lines:
        lines[:0] = [
            f"Contacts sharing an address (case ignored): {len(shared)} address(es).",
            "Mail from these addresses goes to the triage queue as from an unknown sender until one",
            "contact has it. Change or remove the extra contacts in the admin (Contacts, filter",
            "'shares its address'); addresses stay unique from now on.",
        ]
    return lines


def mark_shared_addresses(apps, schema_editor):
    lines = mark_duplicates(apps.get_model("contracts", "Contact"))
    if lines:
        print("\n" + "\n".join(lines))


class Migration(migrations.Migration):

    dependencies = [
        ('contracts', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='contact',
            name='duplicate_address',
            field=models.BooleanField(default=False, editable=False, help_text='Found when addresses became unique: mail from this address goes to triage until only one contact has it.', verbose_name="repeats an older contact's address"),
        ),
        migrations.RunPython(mark_shared_addresses, migrations.RunPython.noop, elidable=True),
        migrations.AddConstraint(
            model_name='contact',
            constraint=models.UniqueConstraint(django.db.models.functions.text.Lower('email'), condition=models.Q(('duplicate_address', False)), name='contact_address_once', violation_error_message='This address is already in use.'),
        ),
    ]
