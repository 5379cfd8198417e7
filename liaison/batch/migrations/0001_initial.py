"""BatchJob and ImportRun move here from the relations app, in migration state only.

Their tables keep their names (``relations_batchjob``, ``relations_importrun``) and their rows:
nothing is written to them. On a new database the relations migrations create the tables first;
on one migrated before the move they are already there. The content types follow the models, so
their permissions stay the same rows.
"""

from django.db import migrations, models

MOVED = ("batchjob", "importrun")


def content_types_to(app_label: str, other: str):
    def move(apps, schema_editor):
        ContentType = apps.get_model("contenttypes", "ContentType")
        types = ContentType.objects.using(schema_editor.connection.alias)
        for model in MOVED:
            if not types.filter(app_label=app_label, model=model).exists():
                types.filter(app_label=other, model=model).update(app_label=app_label)

    return move


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("relations", "0003_resumable_runs"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='BatchJob',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('status', models.CharField(choices=[('queued', 'Queued'), ('running', 'Running'), ('done', 'Done'), ('failed', 'Failed')], default='queued', max_length=10)),
                        ('chunk_size', models.PositiveIntegerField(default=1000)),
                        ('host', models.CharField(blank=True, max_length=100)),
                        ('pid', models.PositiveIntegerField(blank=True, null=True)),
                        ('attempt', models.PositiveIntegerField(default=0)),
                        ('heartbeat_at', models.DateTimeField(blank=True, null=True)),
                        ('error', models.TextField(blank=True)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('finished_at', models.DateTimeField(blank=True, null=True)),
                        ('kind', models.CharField(choices=[('', '(none)'), ('customer', 'Customer'), ('vendor', 'Vendor'), ('bank_account', 'Bank account')], max_length=20)),
                        ('total', models.PositiveIntegerField(default=0)),
                        ('done', models.PositiveIntegerField(default=0)),
                        ('created', models.PositiveIntegerField(default=0)),
                        ('skipped', models.PositiveIntegerField(default=0)),
                        ('last_number', models.CharField(blank=True, max_length=20)),
                    ],
                    options={
                        'db_table': 'relations_batchjob',
                        'ordering': ['-created_at'],
                    },
                ),
                migrations.CreateModel(
                    name='ImportRun',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('status', models.CharField(choices=[('queued', 'Queued'), ('running', 'Running'), ('done', 'Done'), ('failed', 'Failed')], default='queued', max_length=10)),
                        ('chunk_size', models.PositiveIntegerField(default=1000)),
                        ('host', models.CharField(blank=True, max_length=100)),
                        ('pid', models.PositiveIntegerField(blank=True, null=True)),
                        ('attempt', models.PositiveIntegerField(default=0)),
                        ('heartbeat_at', models.DateTimeField(blank=True, null=True)),
                        ('error', models.TextField(blank=True)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('finished_at', models.DateTimeField(blank=True, null=True)),
                        ('kind', models.CharField(max_length=20)),
                        ('file_name', models.CharField(max_length=500)),
                        ('sha256', models.CharField(max_length=64)),
                        ('size', models.PositiveBigIntegerField()),
                        ('rows', models.PositiveIntegerField(default=0)),
                        ('created', models.PositiveIntegerField(default=0)),
                        ('updated', models.PositiveIntegerField(default=0)),
                        ('unchanged', models.PositiveIntegerField(default=0)),
                        ('failed', models.PositiveIntegerField(default=0)),
                    ],
                    options={
                        'db_table': 'relations_importrun',
                        'ordering': ['-created_at'],
                        'indexes': [models.Index(fields=['sha256', 'kind'], name='importrun_file')],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(
            content_types_to("batch", "relations"), content_types_to("relations", "batch")
        ),
    ]
