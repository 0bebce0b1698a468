"""Community questions and ideas belong to a vendor (issue 16): the column, and the vendor of
every existing row from its author's organisation's agreements.

The vendor is that of the agreement that ran when the row was written (else the most
recent one; of two at once, the one that started last). A row whose author is no customer
contact, or whose organisation has no agreement, keeps an empty vendor: staff see it and
can give it a vendor in the admin; no customer sees it.
"""

from collections import defaultdict

from django.db import migrations, models

FIELD = dict(
    blank=True, db_index=True, max_length=40, verbose_name="vendor",
    help_text="The catalog id, e.g. erpm: only customers with an agreement on it (and staff) see it. Empty: staff only.",
)


def vendor_at(agreements, day):
    """The vendor of the agreement running on ``day`` (``agreements`` newest start first)."""
    for vendor, starts, ends in agreements:
        if starts <= day and (ends is None or ends >= day):
            return vendor
    return agreements[0][0] if agreements else ""


def fill(apps, schema_editor):
    Contact = apps.get_model("contracts", "Contact")
    Agreement = apps.get_model("contracts", "Agreement")
    organisation_of = dict(Contact.objects.filter(user__isnull=False).values_list("user_id", "organisation_id"))
    agreements = defaultdict(list)
    rows = Agreement.objects.order_by("-starts_on", "id").values_list("organisation_id", "catalog__vendor", "starts_on", "ends_on")
    for organisation, vendor, starts, ends in rows:
        agreements[organisation].append((vendor, starts, ends))
    for name in ("Question", "Idea"):
        model = apps.get_model("knowledge", name)
        by_vendor = defaultdict(list)
        for pk, author, created in model.objects.filter(vendor="").values_list("pk", "author_id", "created_at").iterator():
            vendor = vendor_at(agreements.get(organisation_of.get(author), []), created.date())
            if vendor:
                by_vendor[vendor].append(pk)
        for vendor, ids in by_vendor.items():
            for start in range(0, len(ids), 500):
                model.objects.filter(pk__in=ids[start:start + 500]).update(vendor=vendor)


class Migration(migrations.Migration):

    dependencies = [
        ("contracts", "0001_initial"),
        ("knowledge", "0002_search_index"),
    ]

    operations = [
        migrations.AddField(model_name="idea", name="vendor", field=models.CharField(**FIELD)),
        migrations.AddField(model_name="question", name="vendor", field=models.CharField(**FIELD)),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
