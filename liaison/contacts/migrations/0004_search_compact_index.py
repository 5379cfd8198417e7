"""PostgreSQL: the trigram index on the search name and e-mail without separators, for pieces
of text cut across words (see ``liaison/contacts/search.py``). Other databases: nothing."""

from django.db import migrations


def forwards(apps, schema_editor):
    from liaison.contacts.search import install

    # ``install`` is idempotent; on SQLite it would only rebuild the FTS index, unchanged here.
    if schema_editor.connection.vendor == "postgresql":
        install(schema_editor.connection)


def backwards(apps, schema_editor):
    from liaison.contacts.search import COMPACT_INDEX

    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f'DROP INDEX IF EXISTS "{COMPACT_INDEX}"')


class Migration(migrations.Migration):

    dependencies = [
        ('contacts', '0003_search_indexes'),
    ]

    operations = [
        migrations.RunPython(forwards, backwards, elidable=False),
    ]
