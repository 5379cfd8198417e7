"""R-N1: an entry logged for a company contact names that company as its Contact Company No.
Entries logged before this rule was kept have a blank one: fill it from their contact."""

from django.db import migrations
from django.db.models import F


def fill_company(apps, schema_editor):  # type: ignore[no-untyped-def]
    entry = apps.get_model("interactions", "InteractionLogEntry")
    contact = apps.get_model("contacts", "Contact")
    companies = contact.objects.filter(type="company").values("pk")
    entry.objects.filter(contact_company__isnull=True, contact_id__in=companies).update(
        contact_company_id=F("contact_id")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("interactions", "0001_initial"),
        ("contacts", "0004_search_compact_index"),
    ]

    operations = [migrations.RunPython(fill_company, migrations.RunPython.noop)]
