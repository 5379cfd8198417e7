"""BatchJob and ImportRun moved to the batch app (batch 0001): removed from this app's state
only; their tables stay as they are, now the batch app's."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("relations", "0003_resumable_runs"),
        ("batch", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="BatchJob"),
                migrations.DeleteModel(name="ImportRun"),
            ],
            database_operations=[],
        ),
    ]
