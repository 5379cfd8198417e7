"""Search indexes of contacts: pg_trgm GIN indexes on PostgreSQL, an FTS5 trigram table kept in
step by triggers on SQLite (see ``liaison/contacts/search.py``). Other databases: nothing."""

from django.db import migrations


def forwards(apps, schema_editor):
    from liaison.contacts.search import install

    install(schema_editor.connection)


def backwards(apps, schema_editor):
    from liaison.contacts.search import uninstall

    uninstall(schema_editor.connection)


class Migration(migrations.Migration):

    dependencies = [
        ('contacts', '0002_contact_contact_name_sort_idx_and_more'),
    ]

    operations = [
        migrations.RunPython(forwards, backwards, elidable=False),
    ]
