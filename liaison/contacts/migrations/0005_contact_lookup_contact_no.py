"""Spec field 5053 "Lookup Contact No.": '' for a company, the own number for a person; the
stored persons get their own number. SQLite rebuilds the table for the new column, which drops
the search triggers: they are installed again (``liaison/contacts/search.py``)."""

from django.db import migrations, models
from django.db.models import F


def search_reinstall(apps, schema_editor):
    from liaison.contacts.search import install

    if schema_editor.connection.vendor == "sqlite":
        install(schema_editor.connection)


def backfill(apps, schema_editor):
    Contact = apps.get_model("contacts", "Contact")
    Contact.objects.filter(type="person").update(lookup_contact_no=F("number"))


class Migration(migrations.Migration):
    dependencies = [
        ("contacts", "0004_search_compact_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="contact",
            name="lookup_contact_no",
            field=models.CharField(
                blank=True,
                default="",
                editable=False,
                max_length=20,
                verbose_name="lookup contact no.",
            ),
        ),
        migrations.RunPython(search_reinstall, migrations.RunPython.noop, elidable=False),
        migrations.RunPython(backfill, migrations.RunPython.noop, elidable=False),
    ]
